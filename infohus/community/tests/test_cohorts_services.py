"""The rules of youth cohorts (services/cohorts.py): dates of a cohort and its modules, consent of a
young participant (a parent's under 18 on the day of consent), attendance only for the cohort's own
participants and not after they left, goals and progress. Every refusal names the field and saves
nothing; every write is audited without names or words of the young person."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import (
    CohortModule,
    GoalProgress,
    ModuleAttendance,
    Progress,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)
from infohus.community.services import cohorts as services
from infohus.community.tests.factories import home_organisation, make_cohort, make_participant
from infohus.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()


def fields_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def data(**overrides: object) -> services.ParticipantData:
    values: dict[str, object] = {
        "first_name": "Sara", "last_name": "Lindholm", "birth_date": TODAY - timedelta(days=365 * 16),
        "joined_on": TODAY - timedelta(days=10), "consent_given_on": TODAY - timedelta(days=20),
        "consent_by": YouthParticipant.ConsentBy.PARENT, "parent_name": "Henrik Lindholm"}
    values.update(overrides)
    return services.ParticipantData(**values)  # type: ignore[arg-type]


def test_age_on_counts_full_years() -> None:
    assert services.age_on(date(2008, 6, 15), date(2026, 6, 14)) == 17
    assert services.age_on(date(2008, 6, 15), date(2026, 6, 15)) == 18
    assert services.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17


# --- cohorts and modules ---------------------------------------------------------------------------------

def test_a_cohort_cannot_end_before_it_starts(people: People) -> None:
    aarhus = home_organisation(people["kamal"])
    with pytest.raises(ValidationError) as error:
        services.create_cohort(actor=people["kamal"], organisation=aarhus, data=services.CohortData(
            programme="CoCoRa", name="Hold", starts_on=TODAY, ends_on=TODAY - timedelta(days=1)))
    assert fields_of(error) == {"ends_on": [f"The cohort cannot end before it starts: it starts on {TODAY}."]}
    assert not YouthCohort.objects.exists()


def test_only_a_coordinator_of_the_organisation_creates_a_cohort(people: People) -> None:
    randers = Organisation.objects.get(name__startswith="Randers")
    with pytest.raises(PermissionDenied):
        services.create_cohort(actor=people["kamal"], organisation=randers, data=services.CohortData(
            programme="CoCoRa", name="Hold", starts_on=TODAY, ends_on=TODAY))
    with pytest.raises(PermissionDenied):
        services.create_cohort(actor=people["carl"], organisation=home_organisation(people["carl"]),
                               data=services.CohortData(programme="CoCoRa", name="Hold", starts_on=TODAY,
                                                        ends_on=TODAY))


def test_a_cohort_is_created_and_audited(people: People) -> None:
    cohort = services.create_cohort(actor=people["kamal"], organisation=home_organisation(people["kamal"]),
                                    data=services.CohortData(programme=" CoCoRa ", name=" Forår ", starts_on=TODAY,
                                                             ends_on=TODAY + timedelta(days=30), place="Gellerup"))
    assert (cohort.programme, cohort.name, cohort.created_by) == ("CoCoRa", "Forår", people["kamal"])
    assert AuditEvent.objects.filter(action="community.cohort_created", object_id=str(cohort.pk)).exists()


def test_an_edit_may_not_leave_a_module_outside_the_dates(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)  # modules a week and two after the start
    first = CohortModule.objects.get(cohort=cohort, number=1)
    with pytest.raises(ValidationError) as error:
        services.update_cohort(actor=people["kamal"], cohort=cohort, version=cohort.version, data=services.CohortData(
            programme=cohort.programme, name=cohort.name, starts_on=first.held_on + timedelta(days=1),
            ends_on=cohort.ends_on))
    assert "Module 1. Modul 1 is held on" in fields_of(error)["starts_on"][0]
    cohort.refresh_from_db()
    assert cohort.version == 1


def test_a_stale_edit_changes_nothing(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    new = services.CohortData(programme="CoCoRa", name="Nyt navn", starts_on=cohort.starts_on, ends_on=cohort.ends_on)
    services.update_cohort(actor=people["kamal"], cohort=cohort, data=new, version=1)
    with pytest.raises(StaleEdit) as stale:
        services.update_cohort(actor=people["kamal"], cohort=cohort,
                               data=services.CohortData(programme="CoCoRa", name="Andet", starts_on=cohort.starts_on,
                                                        ends_on=cohort.ends_on), version=1)
    assert stale.value.current.name == "Nyt navn"  # type: ignore[attr-defined]
    cohort.refresh_from_db()
    assert (cohort.name, cohort.version) == ("Nyt navn", 2)


def test_module_numbers_are_unique_and_dates_within_the_cohort(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=1)
    with pytest.raises(ValidationError) as error:
        services.add_module(actor=people["kamal"], cohort=cohort, number=1, title="Igen",
                            held_on=cohort.ends_on + timedelta(days=1))
    assert set(fields_of(error)) == {"number", "held_on"}
    assert "already has a module number 1" in fields_of(error)["number"][0]
    module = services.add_module(actor=people["kamal"], cohort=cohort, number=2, title="Demokrati", held_on=None)
    assert module.number == 2 and module.held_on is None


# --- consent ----------------------------------------------------------------------------------------------

def test_under_18_without_a_parents_consent_is_refused_at_the_field(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    consent_on = TODAY - timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        services.add_participant(actor=people["kamal"], cohort=cohort, data=data(
            birth_date=consent_on.replace(year=consent_on.year - 18) + timedelta(days=1), consent_given_on=consent_on,
            consent_by=YouthParticipant.ConsentBy.SELF, parent_name=""))
    message = fields_of(error)["consent_by"][0]
    assert message.startswith(f"Sara Lindholm was 17 on the day consent was given ({consent_on}).")
    assert "a parent or guardian must consent" in message
    assert not YouthParticipant.objects.exists()


def test_a_parents_consent_names_the_parent(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    with pytest.raises(ValidationError) as error:
        services.add_participant(actor=people["kamal"], cohort=cohort, data=data(parent_name="  "))
    assert fields_of(error) == {"parent_name": ["Give the name of the parent or guardian who consented."]}


def test_18_on_the_day_of_consent_consents_themself(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    consent_on = TODAY - timedelta(days=20)
    participant = services.add_participant(actor=people["kamal"], cohort=cohort, data=data(
        birth_date=consent_on.replace(year=consent_on.year - 18), consent_given_on=consent_on,
        consent_by=YouthParticipant.ConsentBy.SELF, parent_name="ignored"))
    assert participant.consent_by == "self" and participant.parent_name == ""
    event = AuditEvent.objects.get(action="community.participant_added")
    assert "Sara" not in str(event.details) and "Lindholm" not in str(event.details)


def test_dates_in_the_future_are_refused(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    with pytest.raises(ValidationError) as error:
        services.add_participant(actor=people["kamal"], cohort=cohort, data=data(
            birth_date=TODAY + timedelta(days=1), consent_given_on=TODAY + timedelta(days=1),
            joined_on=TODAY + timedelta(days=2)))
    assert fields_of(error)["birth_date"] == ["The date of birth cannot be in the future."]
    assert fields_of(error)["consent_given_on"][0].startswith("The consent date cannot be in the future")


def test_joining_before_consent_is_refused(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    with pytest.raises(ValidationError) as error:
        services.add_participant(actor=people["kamal"], cohort=cohort, data=data(
            joined_on=TODAY - timedelta(days=30), consent_given_on=TODAY - timedelta(days=20)))
    assert list(fields_of(error)) == ["joined_on"]


def test_a_stale_participant_edit_changes_nothing(people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))
    services.update_participant(actor=people["kamal"], participant=participant, version=1, data=data(
        first_name="Ny", joined_on=participant.joined_on, consent_given_on=participant.consent_given_on,
        birth_date=participant.birth_date))
    with pytest.raises(StaleEdit):
        services.update_participant(actor=people["kamal"], participant=participant, version=1, data=data(
            first_name="Anden", joined_on=participant.joined_on, consent_given_on=participant.consent_given_on,
            birth_date=participant.birth_date))
    participant.refresh_from_db()
    assert (participant.first_name, participant.version) == ("Ny", 2)
    event = AuditEvent.objects.get(action="community.participant_updated")
    assert event.details["changed"] == ["first_name", "last_name", "parent_name"]


# --- attendance --------------------------------------------------------------------------------------------

def test_attendance_is_recorded_and_changed(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)
    m1, m2 = CohortModule.objects.filter(cohort=cohort).order_by("number")
    a, b = make_participant(cohort), make_participant(cohort)
    cells = {(a.pk, m1.pk), (a.pk, m2.pk), (b.pk, m1.pk)}
    assert services.record_attendance(actor=people["kamal"], cohort=cohort, cells=cells,
                                      present={(a.pk, m1.pk), (b.pk, m1.pk)}) == 3
    assert services.record_attendance(actor=people["kamal"], cohort=cohort, cells=cells,
                                      present={(a.pk, m1.pk), (a.pk, m2.pk)}) == 2
    recorded = {(r.participant_id, r.module_id): r.present for r in ModuleAttendance.objects.all()}
    assert recorded == {(a.pk, m1.pk): True, (a.pk, m2.pk): True, (b.pk, m1.pk): False}
    assert AuditEvent.objects.filter(action="community.attendance_recorded").count() == 2


def test_attendance_for_someone_not_in_the_cohort_refuses_the_whole_grid(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=1)
    module = CohortModule.objects.get(cohort=cohort)
    inside = make_participant(cohort)
    elsewhere = make_participant(make_cohort(created_by=people["kamal"]))
    with pytest.raises(ValidationError) as error:
        services.record_attendance(actor=people["kamal"], cohort=cohort, cells=[(inside.pk, module.pk)],
                                   present=[(inside.pk, module.pk), (elsewhere.pk, module.pk)])
    assert error.value.messages == [
        f"Participant no. {elsewhere.pk} is not in this cohort: their attendance cannot be recorded."]
    assert not ModuleAttendance.objects.exists()


def test_attendance_after_someone_left_is_refused_naming_them(people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=3)
    m1, _m2, m3 = CohortModule.objects.filter(cohort=cohort).order_by("number")
    left = make_participant(cohort, first_name="Mikkel", last_name="Sandgaard", left_on=m1.held_on)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(actor=people["kamal"], cohort=cohort, cells=[(left.pk, m1.pk)],
                                   present=[(left.pk, m3.pk)])
    assert error.value.messages == [
        f"Mikkel Sandgaard left the cohort on {m1.held_on}, before module 3. Modul 3 was held ({m3.held_on}). "
        "Their attendance cannot be recorded."]
    assert not ModuleAttendance.objects.exists()
    # Before they left, it is recorded.
    services.record_attendance(actor=people["kamal"], cohort=cohort, cells=[(left.pk, m1.pk)],
                               present=[(left.pk, m1.pk)])
    assert ModuleAttendance.objects.get().present is True


# --- goals and progress ---------------------------------------------------------------------------------------

def test_goals_and_progress_keep_the_young_persons_words_out_of_the_audit(people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))
    goal = services.add_goal(actor=people["kamal"], participant=participant, text=" Starte til fodbold ",
                             set_on=TODAY)
    note = services.add_progress(actor=people["kamal"], goal=goal, noted_on=TODAY, progress=Progress.STARTED,
                                 note="Prøvetræning i går")
    assert goal.text == "Starte til fodbold" and note.progress == "started"
    details = str(list(AuditEvent.objects.filter(action__in=["community.goal_added", "community.progress_noted"])
                       .values_list("details", flat=True)))
    assert "fodbold" not in details and "Prøvetræning" not in details and str(goal.pk) in details


def test_goal_and_progress_dates_are_checked(people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))
    with pytest.raises(ValidationError) as error:
        services.add_goal(actor=people["kamal"], participant=participant, text="", set_on=TODAY + timedelta(days=1))
    assert set(fields_of(error)) == {"text", "set_on"}
    goal = services.add_goal(actor=people["kamal"], participant=participant, text="Elevrådet", set_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.add_progress(actor=people["kamal"], goal=goal, noted_on=TODAY - timedelta(days=1),
                              progress="somewhere")
    assert set(fields_of(error)) == {"noted_on", "progress"}
    assert not GoalProgress.objects.exists() and YouthGoal.objects.count() == 1
