"""Factories for the interventions tests: mentor profiles, interventions, sessions and lending
requests. Each builds the row directly (not through the services), so that tests of one service
do not depend on another. Names are stable: other test modules import them."""

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.cases.models import Case
from infohus.interventions.models import (
    CorpsRole,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
    Session,
)

_serial = itertools.count(1)


def home_organisation(user: User) -> Organisation:
    """The organisation of the user's first membership."""
    return user.memberships.order_by("pk").first().organisation


def make_profile(user: User, municipality: Organisation | None = None, **fields: Any) -> MentorProfile:
    """A member of the mentor corps with a valid accreditation by default (trained a year ago,
    valid for another year), capacity 2, active. Pass accredited_on=None for one without training,
    or accreditation_expires_on in the past for an expired one."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "corps_role": CorpsRole.MENTOR,
        "languages": "da",
        "age_groups": "young,young_adults",
        "extremism_kinds": "",
        "capacity": 2,
        "accredited_on": today - timedelta(days=365),
        "accreditation_expires_on": today + timedelta(days=365),
        "is_active": True,
    }
    values.update(fields)
    return MentorProfile.objects.create(user=user, home_municipality=municipality or home_organisation(user),
                                        **values)


def make_intervention(*, case: Case | None = None, provider_user: User | None = None,
                      kind: str = InterventionKind.MENTORING, organisation: Organisation | None = None,
                      started_on: date | None = None, created_by: User | None = None,
                      status: str | None = None, **fields: Any) -> Intervention:
    """An intervention on a case (or, with case=None, an anonymous advice consultation, ended at
    once with the outcome "advice given" as the service records it). The organisation defaults to
    the case's owner, else the provider's organisation. Active unless status says otherwise."""
    if organisation is None:
        if case is not None:
            organisation = case.owner
        elif provider_user is not None:
            organisation = home_organisation(provider_user)
    assert organisation is not None, "make_intervention needs a case, a provider_user or an organisation"
    if provider_user is None and "provider_organisation" not in fields and "provider_project" not in fields:
        fields["provider_organisation"] = organisation
    if case is None:
        kind = InterventionKind.ADVICE_CONSULTATION
        fields.setdefault("anonymous", True)
        fields.setdefault("advice_for", "professional")
        fields.setdefault("outcome", "advice_given")
        status = status or Intervention.Status.ENDED
        started_on = started_on or timezone.localdate()
    status = status or Intervention.Status.ACTIVE
    started_on = started_on or (timezone.localdate() - timedelta(days=30))
    creator = created_by or provider_user or (case.lead if case is not None else None)
    assert creator is not None, "make_intervention needs created_by when there is no provider_user or case"
    if status == Intervention.Status.ENDED:
        fields.setdefault("ended_on", started_on if case is None else timezone.localdate())
        fields.setdefault("outcome", "goals_met")
    return Intervention.objects.create(
        kind=kind, case=case, organisation=organisation, provider_user=provider_user, status=status,
        started_on=started_on, created_by=creator, **fields)


def make_goal(intervention: Intervention, *, what: str = "", by_when: date | None = None,
              created_by: User | None = None, **fields: Any) -> Goal:
    return Goal.objects.create(
        intervention=intervention, what=what or f"Goal {next(_serial)}",
        by_when=by_when or (timezone.localdate() + timedelta(days=60)),
        how_we_know=fields.pop("how_we_know", "We talk about it."),
        created_by=created_by or intervention.created_by, **fields)


def make_session(intervention: Intervention, *, held_on: date | None = None, duration_minutes: int = 60,
                 logged_by: User | None = None, compartment: str = Compartment.GENERAL.value, notes: str = "",
                 next_appointment: date | None = None, **fields: Any) -> Session:
    return Session.objects.create(
        intervention=intervention, held_on=held_on or timezone.localdate(), duration_minutes=duration_minutes,
        logged_by=logged_by or intervention.provider_user or intervention.created_by, compartment=compartment,
        notes=notes or f"Session {next(_serial)}", next_appointment=next_appointment, **fields)


def make_lending(*, case: Case, lending_organisation: Organisation, sent_by: User | None = None,
                 status: str = LendingRequest.Status.SENT, offered_mentor: MentorProfile | None = None,
                 intervention: Intervention | None = None, requesting_organisation: Organisation | None = None,
                 **fields: Any) -> LendingRequest:
    """A lending request from the case's owner. With status ACCEPTED and no intervention given, a
    mentoring intervention by the offered mentor is made on the case (the mentor is NOT put on the
    team: do that with the cases factories if a test needs it)."""
    requesting = requesting_organisation or case.owner
    sender = sent_by or case.lead
    if status == LendingRequest.Status.ACCEPTED and intervention is None and offered_mentor is not None:
        intervention = make_intervention(case=case, provider_user=offered_mentor.user, organisation=requesting,
                                         provider_organisation=lending_organisation, created_by=sender)
    now = timezone.now()
    if status in (LendingRequest.Status.OFFERED, LendingRequest.Status.ACCEPTED, LendingRequest.Status.ENDED):
        fields.setdefault("answered_by", sender)
        fields.setdefault("answered_at", now)
    if status in (LendingRequest.Status.ACCEPTED, LendingRequest.Status.ENDED):
        fields.setdefault("accepted_by", sender)
        fields.setdefault("accepted_at", now)
    return LendingRequest.objects.create(
        reference=f"L-TEST-{next(_serial):06d}", requesting_organisation=requesting,
        lending_organisation=lending_organisation, case=case, status=status, offered_mentor=offered_mentor,
        intervention=intervention, sent_by=sender,
        summary=fields.pop("summary", "A young man, 19, needs a mentor who speaks Arabic."),
        needs=fields.pop("needs", {"languages": ["ar"]}), **fields)
