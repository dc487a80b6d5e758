"""Lending mentors between municipalities: request, offer or decline, accept, withdraw, end.

The borrowing municipality sends a request from one of its cases with the needs and a summary
that must not identify the person; the lending municipality offers one of its mentors or declines
with a reason; the borrowing side accepts the offer. Acceptance makes a mentoring intervention on
the case with the lent mentor as provider and puts the mentor on the case team, in the general
compartment only, so the need-to-know reaches that case and nothing else. Either side may end the
lending; ending the intervention ends it too. Every step re-reads the request under a row lock,
so a request withdrawn meanwhile cannot be accepted, and two people accepting at once make one
assignment (the mentor's corps entry is locked too, so two acceptances of different requests
cannot take the same last place in a mentor's capacity). Ending a lending by either side also
ends the lent mentor's intervention, so that it no longer counts in the mentor's load.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability, Compartment
from infohus.audit.services import record_event
from infohus.cases.references import next_reference
from infohus.cases.selectors.need_to_know import CaseAccess
from infohus.cases.services import cases as case_services
from infohus.core.concurrency import StaleEdit
from infohus.interventions.models import (
    CorpsRole,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
    Outcome,
)
from infohus.interventions.selectors.access import LendingAccess
from infohus.interventions.selectors.lending import FILLS, ROLES_NEEDED
from infohus.interventions.services.corps import reasons_not_assignable

S = LendingRequest.Status
NEED_KEYS = {"languages", "age_group", "extremism_kind", "gender", "prison_work"}
_CASE_ROLES = [role.value for role, caps in CAPABILITIES.items() if Capability.WORK_ON_CASE in caps]


def _audit(request: LendingRequest, actor: User, action: str, *, person: bool = False, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type="lending_request", object_id=request.pk,
                 person_id=request.case.person_id if person else "", purpose="mentor lending",
                 details={"reference": request.reference, "status": request.status, **details})


def _locked(request: LendingRequest) -> LendingRequest:
    # of=("self",): only the request's row is locked (PostgreSQL refuses to lock the nullable side
    # of the outer join to the offered mentor).
    return (LendingRequest.objects.select_for_update(of=("self",)).select_related("case", "offered_mentor__user")
            .get(pk=request.pk))


def _check_version(request: LendingRequest, expected_version: int | None) -> None:
    """StaleEdit if the request (read under its lock) changed since the caller read expected_version."""
    if expected_version is not None and request.version != expected_version:
        raise StaleEdit(request)


def _require_side(access: LendingAccess, borrowing: bool) -> None:
    if access.borrowing != borrowing:
        raise PermissionDenied(_("Only the borrowing municipality can do this.") if borrowing
                               else _("Only the lending municipality can do this."))


def _check_needs(needs: dict[str, Any]) -> dict[str, Any]:
    unknown = set(needs) - NEED_KEYS
    if unknown:
        raise ValidationError(_("Unknown needs: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    return {key: value for key, value in needs.items() if value not in (None, "", [], False)}


def _lendable_membership(mentor: MentorProfile) -> Membership:
    """The mentor's membership of the lending municipality in which they join the case team."""
    membership = (Membership.objects.filter(user_id=mentor.user_id, organisation_id=mentor.home_municipality_id,
                                            is_active=True, role__in=_CASE_ROLES).order_by("pk").first())
    if membership is None:
        raise ValidationError({"mentor": _("%(name)s has no active membership of the lending municipality in a "
                                           "role that works on cases.") % {"name": mentor}})
    return membership


def _check_mentor(request: LendingRequest, mentor: MentorProfile) -> Membership:
    """Refusals of a mentor for this request, at the form's "mentor" field."""
    if mentor.home_municipality_id != request.lending_organisation_id:
        raise ValidationError({"mentor": _("Offer a mentor from your own municipality.")})
    if mentor.corps_role not in FILLS.get(request.corps_role, frozenset()):
        raise ValidationError({"mentor": _("The request asks for: %(needed)s. %(name)s is: %(role)s.") % {
            "needed": CorpsRole(request.corps_role).label, "name": mentor,
            "role": CorpsRole(mentor.corps_role).label}})
    reasons = reasons_not_assignable(mentor)
    if reasons:
        raise ValidationError({"mentor": reasons})
    return _lendable_membership(mentor)


@transaction.atomic
def send_request(*, access: CaseAccess, actor: User, requesting_organisation: Organisation,
                 lending_organisation: Organisation, needs: dict[str, Any], summary: str,
                 corps_role: str = CorpsRole.MENTOR, hours_per_month: int | None = None) -> LendingRequest:
    """A request from the borrowing case's owner to another municipality."""
    if not case_services.can_manage(access):
        raise PermissionDenied(_("Only the case lead or a case manager of the owning organisation can ask to "
                                 "borrow a mentor."))
    if access.case.status != access.case.Status.OPEN:
        raise ValidationError(_("The case is closed. Reopen it first."))
    if requesting_organisation.pk != access.case.owner_id:
        raise ValidationError(_("A lending request is sent by the municipality that owns the case."))
    if lending_organisation.pk == requesting_organisation.pk:
        raise ValidationError({"lending_organisation": _("A municipality cannot borrow from itself. Choose "
                                                         "another municipality.")})
    if lending_organisation.kind != Organisation.Kind.MUNICIPALITY or not lending_organisation.is_active:
        raise ValidationError({"lending_organisation": _("Mentors are lent by municipalities.")})
    if corps_role not in ROLES_NEEDED:
        raise ValidationError({"corps_role": _("Ask for a mentor or a parent or relative coach.")})
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Describe what the work is about, without names or other details "
                                            "that identify the person.")})
    for attempt in range(3):
        try:
            with transaction.atomic():
                request = LendingRequest.objects.create(
                    reference=next_reference(LendingRequest, "L"), requesting_organisation=requesting_organisation,
                    lending_organisation=lending_organisation, case=access.case, corps_role=corps_role,
                    needs=_check_needs(needs), summary=summary, hours_per_month=hours_per_month, sent_by=actor)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    _audit(request, actor, "lending.sent", person=True, to=lending_organisation.pk)
    return request


@transaction.atomic
def offer(*, access: LendingAccess, actor: User, mentor: MentorProfile,
          expected_version: int | None = None) -> LendingRequest:
    """The lending municipality offers one of its mentors, who must be assignable now."""
    _require_side(access, borrowing=False)
    request = _locked(access.request)
    _check_version(request, expected_version)
    if request.status != S.SENT:
        raise ValidationError(_("This request is no longer waiting for an answer (it is now: %(status)s).")
                              % {"status": request.get_status_display()})
    _check_mentor(request, mentor)
    LendingRequest.objects.filter(pk=request.pk).update(
        status=S.OFFERED, offered_mentor=mentor, answered_by=actor, answered_at=timezone.now(),
        version=F("version") + 1)
    request.refresh_from_db()
    _audit(request, actor, "lending.offered", mentor=mentor.user_id)
    return request


@transaction.atomic
def decline(*, access: LendingAccess, actor: User, reason: str,
            expected_version: int | None = None) -> LendingRequest:
    """The lending municipality says no, with a reason the borrower reads; an offer not yet
    accepted is taken back the same way."""
    _require_side(access, borrowing=False)
    request = _locked(access.request)
    _check_version(request, expected_version)
    if request.status not in (S.SENT, S.OFFERED):
        raise ValidationError(_("This request can no longer be declined (it is now: %(status)s).")
                              % {"status": request.get_status_display()})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the borrowing municipality can look elsewhere.")})
    LendingRequest.objects.filter(pk=request.pk).update(
        status=S.DECLINED, decline_reason=reason.strip(), offered_mentor=None, answered_by=actor,
        answered_at=timezone.now(), version=F("version") + 1)
    request.refresh_from_db()
    _audit(request, actor, "lending.declined")
    return request


@transaction.atomic
def withdraw(*, access: LendingAccess, actor: User, expected_version: int | None = None) -> LendingRequest:
    """The borrowing municipality no longer needs the mentor (before any acceptance)."""
    _require_side(access, borrowing=True)
    request = _locked(access.request)
    _check_version(request, expected_version)
    if request.status not in (S.SENT, S.OFFERED):
        raise ValidationError(_("Only a request that has not been accepted can be withdrawn."))
    LendingRequest.objects.filter(pk=request.pk).update(status=S.WITHDRAWN, version=F("version") + 1)
    request.refresh_from_db()
    _audit(request, actor, "lending.withdrawn", person=True)
    return request


@transaction.atomic
def accept(*, access: LendingAccess, case_access: CaseAccess, actor: User,
           expected_version: int | None = None) -> LendingRequest:
    """The borrowing side accepts the offer: a mentoring intervention with the lent mentor, who
    joins the case team in the general compartment. The row lock makes a second acceptance at the
    same moment find the request accepted already and change nothing."""
    _require_side(access, borrowing=True)
    request = _locked(access.request)
    _check_version(request, expected_version)
    if case_access.case.pk != request.case_id:
        raise PermissionDenied
    if request.status == S.ACCEPTED:
        raise ValidationError(_("This request has been accepted already."))
    if request.status != S.OFFERED or request.offered_mentor is None:
        raise ValidationError(_("There is no offer to accept (the request is now: %(status)s).")
                              % {"status": request.get_status_display()})
    if request.case.status != request.case.Status.OPEN:
        raise ValidationError(_("The case is closed. Reopen it first."))
    # Lock the mentor's entry: their load is counted below, and another acceptance of the same
    # mentor must wait for this one.
    mentor = (MentorProfile.objects.select_for_update(of=("self",)).select_related("user")
              .get(pk=request.offered_mentor.pk))
    try:
        membership = _check_mentor(request, mentor)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    kind = InterventionKind.PARENT_COACHING if request.corps_role == CorpsRole.PARENT_COACH \
        else InterventionKind.MENTORING
    intervention = Intervention.objects.create(
        kind=kind, case=request.case, organisation_id=request.requesting_organisation_id,
        provider_user_id=mentor.user_id, provider_organisation_id=request.lending_organisation_id,
        started_on=timezone.localdate(), description=request.summary, created_by=actor)
    case_services.add_team_member(access=case_access, actor=actor, membership=membership,
                                  compartments={Compartment.GENERAL.value})
    LendingRequest.objects.filter(pk=request.pk).update(
        status=S.ACCEPTED, intervention=intervention, accepted_by=actor, accepted_at=timezone.now(),
        version=F("version") + 1)
    request.refresh_from_db()
    _audit(request, actor, "lending.accepted", person=True, mentor=mentor.user_id, intervention=intervention.pk)
    return request


@transaction.atomic
def end(*, access: LendingAccess | None, actor: User, reason: str, request: LendingRequest | None = None,
        expected_version: int | None = None) -> LendingRequest:
    """Either side ends an accepted lending (or the intervention's end does, passing the request):
    the mentor leaves the case team; the logged hours stay for the report."""
    if access is not None:
        request = access.request
    assert request is not None
    request = _locked(request)
    _check_version(request, expected_version)
    if request.status != S.ACCEPTED:
        raise ValidationError(_("Only an accepted lending can be ended."))
    if access is not None and not reason.strip():
        raise ValidationError({"reason": _("Say why the lending ends.")})
    LendingRequest.objects.filter(pk=request.pk).update(
        status=S.ENDED, end_reason=reason.strip(), ended_by=actor, ended_at=timezone.now(), version=F("version") + 1)
    request.refresh_from_db()
    if request.offered_mentor is not None:
        case_services.end_lent_membership(case=request.case, user_id=request.offered_mentor.user_id, actor=actor,
                                          reason=reason.strip())
    if access is not None and request.intervention_id is not None:
        _end_lent_intervention(request, request.intervention_id, actor, reason.strip())
    _audit(request, actor, "lending.ended", side=(access.side if access else "intervention ended"))
    return request


def _end_lent_intervention(request: LendingRequest, intervention_id: int, actor: User, reason: str) -> None:
    """The lent mentor's course of mentoring ends with the lending: they have left the team, and an
    active intervention would keep a place in their capacity."""
    ended = Intervention.objects.filter(pk=intervention_id, status=Intervention.Status.ACTIVE).update(
        status=Intervention.Status.ENDED, ended_on=timezone.localdate(), outcome=Outcome.OTHER,
        outcome_reason=_("The lending of the mentor ended: %(reason)s") % {"reason": reason},
        version=F("version") + 1)
    if ended:
        record_event(action="intervention.ended", actor=actor, object_type="intervention",
                     object_id=intervention_id, person_id=request.case.person_id, purpose="mentor lending",
                     details={"case": request.case_id, "outcome": Outcome.OTHER, "lending": request.reference})
