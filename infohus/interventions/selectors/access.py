"""Who may open an intervention or a lending request, always through the cases need-to-know.

An intervention on a case is opened through case_access (team members, and break-the-glass
readers who only read); its sessions' notes follow the compartments the reader sees there. An
anonymous advice consultation has no case: the members of the organisation that runs it who work
on cases or mentor, and its provider, may open it.

A lending request has two sides. The borrowing side is the case managers of the requesting
municipality; they see everything of their request. The lending side is the case managers and
mentor coaches of the lending municipality; they see the needs and the summary, never the case.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.cases.models import Case
from infohus.cases.selectors.need_to_know import CaseAccess, case_access
from infohus.interventions.models import Intervention, LendingRequest


@dataclass(frozen=True)
class InterventionAccess:
    intervention: Intervention
    case_access: CaseAccess | None  # None for an anonymous advice consultation
    compartments: frozenset[str]
    may_write: bool


def anonymous_advice_visible_to(user: Any) -> QuerySet[Intervention]:
    """Anonymous advice consultations of the user's organisations, or given by the user."""
    if not getattr(user, "is_authenticated", False):
        return Intervention.objects.none()
    return Intervention.objects.filter(case__isnull=True).filter(
        Q(organisation_id__in=organisations_with(user, Capability.WORK_ON_CASE))
        | Q(organisation_id__in=organisations_with(user, Capability.MENTOR))
        | Q(provider_user=user))


def intervention_access(user: Any, pk: int, *, purpose: str, audit: bool = True) -> InterventionAccess:
    """Fetch and authorise in one call: an intervention the user may open, or 404 (audited)."""
    intervention = (Intervention.objects.select_related("case", "organisation", "provider_user",
                                                        "provider_organisation", "provider_project")
                    .filter(pk=pk).first())
    if intervention is None:
        _refuse(user, pk, purpose, exists=False)
    assert intervention is not None
    if intervention.case_id is None:
        if not anonymous_advice_visible_to(user).filter(pk=pk).exists():
            _refuse(user, pk, purpose, exists=True)
        if audit:
            record_event(action="intervention.viewed", actor=user, object_type="intervention", object_id=pk,
                         purpose=purpose, details={"anonymous": True})
        return InterventionAccess(intervention=intervention, case_access=None,
                                  compartments=frozenset({"general"}), may_write=True)
    try:
        access = case_access(user, intervention.case_id, purpose=purpose, audit=False)
    except Http404:
        _refuse(user, pk, purpose, exists=True)
        raise
    if audit:
        record_event(action="intervention.viewed", actor=user, object_type="intervention", object_id=pk,
                     person_id=access.case.person_id, purpose=purpose,
                     details={"case": access.case.pk, "compartments": sorted(access.compartments)})
    may_write = (access.team_member is not None and access.case.status == Case.Status.OPEN)
    return InterventionAccess(intervention=intervention, case_access=access, compartments=access.compartments,
                              may_write=may_write)


def _refuse(user: Any, pk: int, purpose: str, **details: Any) -> None:
    record_event(action="intervention.refused", actor=user, object_type="intervention", object_id=pk,
                 purpose=purpose, details=details)
    raise Http404


# --- lending requests ---------------------------------------------------------------------------------

BORROWING = "borrowing"
LENDING = "lending"


@dataclass(frozen=True)
class LendingAccess:
    request: LendingRequest
    side: str  # BORROWING or LENDING

    @property
    def borrowing(self) -> bool:
        return self.side == BORROWING


def requests_borrowed_by(user: Any) -> QuerySet[LendingRequest]:
    return LendingRequest.objects.filter(
        requesting_organisation_id__in=organisations_with(user, Capability.MANAGE_CASE))


def requests_to_lend(user: Any) -> QuerySet[LendingRequest]:
    return LendingRequest.objects.filter(
        Q(lending_organisation_id__in=organisations_with(user, Capability.MANAGE_CASE))
        | Q(lending_organisation_id__in=organisations_with(user, Capability.COACH_MENTORS)))


def lending_access(user: Any, pk: int, *, purpose: str) -> LendingAccess:
    """A lending request on the side the user stands on, or 404 (audited). Someone on both sides
    (a coordinator of two municipalities) sees it as the borrower."""
    request = (LendingRequest.objects.select_related("requesting_organisation", "lending_organisation",
                                                     "offered_mentor__user", "case", "intervention")
               .filter(pk=pk).first())
    side = ""
    if request is not None:
        if requests_borrowed_by(user).filter(pk=pk).exists():
            side = BORROWING
        elif requests_to_lend(user).filter(pk=pk).exists():
            side = LENDING
    if not side:
        record_event(action="lending.refused", actor=user, object_type="lending_request", object_id=pk,
                     purpose=purpose, details={"exists": request is not None})
        raise Http404
    assert request is not None
    # The lending side reads no personal data; the borrowing side reads the case it belongs to.
    record_event(action="lending.viewed", actor=user, object_type="lending_request", object_id=pk,
                 person_id=request.case.person_id if side == BORROWING else "", purpose=purpose,
                 details={"side": side})
    return LendingAccess(request=request, side=side)
