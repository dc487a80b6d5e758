"""Where an assessment may be read or written, always through the cases app's need-to-know.

A Holder is a case the user may open (through case_access) or a concern in the user's triage
(through concern_for_triage), with the compartments the user sees there and whether they may
write. An assessment is read only when the user may open its holder and sees its compartment;
otherwise the answer is 404, and the refusal is audited like any other.
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from infohus.accounts.permissions import memberships_of
from infohus.accounts.roles import CAPABILITIES, COMPARTMENTS, Capability, Role
from infohus.assessments.models import Assessment
from infohus.audit.services import record_event
from infohus.cases.models import Case, Concern
from infohus.cases.selectors.cases import case_opened_from
from infohus.cases.selectors.need_to_know import CaseAccess, case_access, concerns_for_triage
from infohus.cases.selectors.triage import concern_for_triage

OPEN_FOR_TRIAGE = (Concern.Status.AWAITING_TRIAGE, Concern.Status.IN_TRIAGE)


@dataclass(frozen=True)
class Holder:
    """A case or a concern at triage, as one user may see it."""

    case: Case | None
    concern: Concern | None
    compartments: frozenset[str]
    may_write: bool
    case_access: CaseAccess | None = None

    @property
    def person_id(self) -> int | None:
        if self.case is not None:
            return self.case.person_id
        assert self.concern is not None
        return self.concern.person_id

    @property
    def use(self) -> str:
        return "case" if self.case is not None else "triage"

    def sees(self, compartment: str) -> bool:
        return compartment in self.compartments

    def audit_details(self) -> dict[str, Any]:
        if self.case is not None:
            return {"case": self.case.pk}
        assert self.concern is not None
        return {"concern": self.concern.pk}


def holder_for_case(user: Any, case_pk: int, *, purpose: str, audit: bool = True) -> Holder:
    """The case as this user may see it, or 404 (audited by case_access). Only team members
    write, and only while the case is open; break-the-glass access reads."""
    return holder_of_case_access(case_access(user, case_pk, purpose=purpose, audit=audit))


def holder_of_case_access(access: CaseAccess) -> Holder:
    """The holder of a case the caller has already opened with case_access (no second audit)."""
    may_write = access.team_member is not None and access.case.status == Case.Status.OPEN
    return Holder(case=access.case, concern=None, compartments=access.compartments, may_write=may_write,
                  case_access=access)


def _triage_compartments(user: Any, concern: Concern) -> frozenset[str]:
    # The user's memberships are read once per request (the capability check already did), so
    # this costs no query on a page.
    allowed: set[str] = set()
    for membership in memberships_of(user):
        if membership.organisation_id != concern.info_house_id:
            continue
        role = Role(membership.role)
        if Capability.TRIAGE in CAPABILITIES[role]:
            allowed |= {c.value for c in COMPARTMENTS.get(role, frozenset())}
    return frozenset(allowed)


def holder_of_triaged_concern(user: Any, concern: Concern) -> Holder:
    """The holder of a concern the caller has already fetched with concern_for_triage (no second
    audit): written while it waits for or is in triage, read after the decision."""
    return Holder(case=None, concern=concern, compartments=_triage_compartments(user, concern),
                  may_write=concern.status in OPEN_FOR_TRIAGE)


def holder_for_concern(user: Any, concern_pk: int, *, purpose: str, audit: bool = True) -> Holder:
    """A concern of the user's Info houses, or 404 (audited by concern_for_triage). It is written
    while it waits for or is in triage; after the decision it is read."""
    return holder_of_triaged_concern(user, concern_for_triage(user, concern_pk, purpose=purpose, audit=audit))


@dataclass(frozen=True)
class AssessmentAccess:
    assessment: Assessment
    holder: Holder


def _refuse(user: Any, pk: int, purpose: str, **details: Any) -> None:
    record_event(action="assessment.refused", actor=user, object_type="assessment", object_id=pk,
                 purpose=purpose, details=details)
    raise Http404


def _holder_of(user: Any, assessment: Assessment, purpose: str) -> Holder:
    if assessment.case_id is not None:
        return holder_for_case(user, assessment.case_id, purpose=purpose, audit=False)
    assert assessment.concern_id is not None
    # Asked first without a refusal on record: a case team reading an analysis that travelled to
    # its case has not tried to open the concern at triage.
    if concerns_for_triage(user).filter(pk=assessment.concern_id).exists():
        return holder_for_concern(user, assessment.concern_id, purpose=purpose, audit=False)
    # An analysis made at triage travels with the case the decision opened.
    case_id = case_opened_from(assessment.concern_id)
    if case_id is None:
        # Outside the user's Info houses and no case: refused (and audited) as the concern.
        return holder_for_concern(user, assessment.concern_id, purpose=purpose, audit=False)
    access = holder_for_case(user, case_id, purpose=purpose, audit=False)
    return Holder(case=access.case, concern=None, compartments=access.compartments, may_write=False,
                  case_access=access.case_access)


def assessment_for_user(user: Any, pk: int, *, purpose: str, audit: bool = True) -> AssessmentAccess:
    """Fetch and authorise in one call: an assessment the user may read, or 404. The read and the
    refusal are both audited, with the person the assessment is about."""
    assessment = (Assessment.objects.select_related("version__instrument", "created_by", "signed_by", "amends")
                  .filter(pk=pk).first())
    if assessment is None:
        _refuse(user, pk, purpose, exists=False)
    assert assessment is not None
    try:
        holder = _holder_of(user, assessment, purpose)
    except Http404:
        _refuse(user, pk, purpose, exists=True)
        raise
    if not holder.sees(assessment.compartment):
        _refuse(user, pk, purpose, exists=True, compartment=assessment.compartment)
    access = AssessmentAccess(assessment=assessment, holder=holder)
    if audit:
        audit_read(user, access, purpose=purpose)
    return access


def audit_read(user: Any, access: AssessmentAccess, *, purpose: str) -> None:
    """Record a read of an assessment fetched with audit=False, for a caller that shows it after
    all (a form sent back with its errors)."""
    assessment = access.assessment
    record_event(action="assessment.viewed", actor=user, object_type="assessment", object_id=assessment.pk,
                 person_id=assessment.person_id or "", purpose=purpose,
                 details={**access.holder.audit_details(), "compartment": assessment.compartment})
