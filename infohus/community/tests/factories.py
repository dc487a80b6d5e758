"""Factories for the community tests. Each builds rows directly (not through the services).
Names are stable: other modules import them."""

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.community.models import (
    Ambassador,
    CohortModule,
    ContactPerson,
    DialogueMeeting,
    FollowUp,
    OutreachEvent,
    Partner,
    PartnerKind,
    PeerReport,
    YouthCohort,
    YouthParticipant,
)

_serial = itertools.count(1)


def home_organisation(user: User) -> Organisation:
    return user.memberships.order_by("pk").first().organisation


def make_partner(*, created_by: User, organisation: Organisation | None = None, **fields: Any) -> Partner:
    values: dict[str, Any] = {"name": f"Kulturforening {next(_serial)}", "kind": PartnerKind.CULTURAL_SOCIETY}
    values.update(fields)
    return Partner.objects.create(organisation=organisation or home_organisation(created_by), created_by=created_by,
                                  **values)


def make_contact(partner: Partner, **fields: Any) -> ContactPerson:
    values: dict[str, Any] = {"name": f"Kontakt {next(_serial)}", "role_at_partner": "Formand",
                              "phone": "+45 20 00 00 00", "consent_given_on": timezone.localdate(),
                              "consent_how": "Skriftligt", "recorded_by": partner.created_by}
    values.update(fields)
    return ContactPerson.objects.create(partner=partner, **values)


def make_meeting(*, created_by: User, organisation: Organisation | None = None, held_on: date | None = None,
                 partners: tuple[Partner, ...] = (), **fields: Any) -> DialogueMeeting:
    meeting = DialogueMeeting.objects.create(organisation=organisation or home_organisation(created_by),
                                             held_on=held_on or timezone.localdate() + timedelta(days=7),
                                             created_by=created_by, **fields)
    meeting.partners.set(partners)
    return meeting


def make_follow_up(meeting: DialogueMeeting, *, due_on: date, owner: User | None = None, **fields: Any) -> FollowUp:
    values: dict[str, Any] = {"what": f"Opfølgning {next(_serial)}", "owner_name": "" if owner else "Formanden"}
    values.update(fields)
    return FollowUp.objects.create(meeting=meeting, due_on=due_on, owner=owner, created_by=meeting.created_by,
                                   **values)


def make_event(*, created_by: User, organisation: Organisation | None = None, **fields: Any) -> OutreachEvent:
    values: dict[str, Any] = {"held_on": timezone.localdate() - timedelta(days=3),
                              "kind": OutreachEvent.Kind.PRESENTATION, "audience": OutreachEvent.Audience.SCHOOL,
                              "title": f"Oplæg {next(_serial)}", "attendees": 40}
    values.update(fields)
    return OutreachEvent.objects.create(organisation=organisation or home_organisation(created_by),
                                        created_by=created_by, **values)


def make_cohort(*, created_by: User, organisation: Organisation | None = None, modules: int = 3,
                **fields: Any) -> YouthCohort:
    today = timezone.localdate()
    values: dict[str, Any] = {"programme": "CoCoRa forebyggelsesprogram", "name": f"Hold {next(_serial)}",
                              "starts_on": today - timedelta(days=60), "ends_on": today + timedelta(days=60)}
    values.update(fields)
    cohort = YouthCohort.objects.create(organisation=organisation or home_organisation(created_by),
                                        created_by=created_by, **values)
    CohortModule.objects.bulk_create(
        CohortModule(cohort=cohort, number=n, title=f"Modul {n}", held_on=cohort.starts_on + timedelta(days=7 * n))
        for n in range(1, modules + 1))
    return cohort


def make_participant(cohort: YouthCohort, *, age: int = 17, **fields: Any) -> YouthParticipant:
    """A young participant of `age` years today; under 18 with a parent's consent by default."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "first_name": f"Ung{next(_serial)}", "last_name": "Testesen",
        "birth_date": today.replace(year=today.year - age) - timedelta(days=30),
        "consent_given_on": cohort.starts_on, "joined_on": cohort.starts_on,
        "consent_by": YouthParticipant.ConsentBy.PARENT if age < 18 else YouthParticipant.ConsentBy.SELF,
        "parent_name": "Forælder Testesen" if age < 18 else "",
    }
    values.update(fields)
    return YouthParticipant.objects.create(cohort=cohort, created_by=cohort.created_by, **values)


def make_ambassador(participant: YouthParticipant, *, user: User | None = None, ready: bool = True,
                    **fields: Any) -> Ambassador:
    today = timezone.localdate()
    return Ambassador.objects.create(participant=participant, user=user, started_on=today - timedelta(days=30),
                                     ready_on=today - timedelta(days=10) if ready else None, **fields)


def make_report(ambassador: Ambassador, *, reported_by: User | None = None, **fields: Any) -> PeerReport:
    values: dict[str, Any] = {"kind": PeerReport.Kind.NEED,
                              "text": "Flere på holdet savner et sted at mødes om aftenen."}
    values.update(fields)
    return PeerReport.objects.create(ambassador=ambassador,
                                     reported_by=reported_by or ambassador.user or ambassador.participant.created_by,
                                     **values)
