"""The services of course runs: planning with the days or blocks, enrolment under the capacity,
withdrawal, attendance, completion and certificates, and completions() for other apps. Each refusal
says what is wrong, at its field, and leaves nothing saved."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.core.concurrency import StaleEdit
from infohus.training.models import Attendance, CourseKind, CourseRun, Enrolment, RunUnit, UnitKind
from infohus.training.selectors.runs import completions
from infohus.training.services import runs as services
from infohus.training.tests.factories import attend, make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()


def _errors(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return raised.value.message_dict


def _data(**fields: Any) -> services.RunData:
    start = fields.pop("starts_on", TODAY + timedelta(days=30))
    values: dict[str, Any] = {"starts_on": start, "ends_on": start + timedelta(days=1), "capacity": 20}
    values.update(fields)
    return services.RunData(**values)


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


# --- completions(), for mentor accreditation and compliance ------------------------------------------------

def test_completions_give_each_users_latest_completion_of_the_kinds_in_one_query(people: People) -> None:
    tina, rikke, mads, otto = people["tina"], people["rikke"], people["mads"], people["otto"]
    basic = make_course(kind=CourseKind.RESOURCE_PERSON, created_by=tina)
    follow_up = make_course(kind=CourseKind.RESOURCE_PERSON_FOLLOW_UP, units=1, created_by=tina)
    method = make_course(kind=CourseKind.MENTOR_METHOD, units=3, created_by=tina)
    make_enrolment(make_run(basic), rikke, completed_on=date(2025, 1, 10))
    make_enrolment(make_run(follow_up), rikke, completed_on=date(2025, 7, 3))
    make_enrolment(make_run(follow_up), rikke, completed_on=date(2026, 1, 1), status=Enrolment.Status.WITHDRAWN)
    make_enrolment(make_run(method), mads, completed_on=date(2024, 5, 5))
    make_enrolment(make_run(basic), otto)  # enrolled, not completed

    with CaptureQueriesContext(connection) as queries:
        latest = completions([rikke.pk, mads.pk, otto.pk],
                             [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP])
    assert len(queries) == 1
    assert latest == {rikke.pk: date(2025, 7, 3)}  # the withdrawn one does not count; otto has none
    assert completions([mads.pk, rikke.pk], [CourseKind.MENTOR_METHOD]) == {mads.pk: date(2024, 5, 5)}
    assert completions([], [CourseKind.PSP]) == {}


# --- planning ---------------------------------------------------------------------------------------------

def test_a_run_gets_its_days_on_consecutive_days_and_blocks_spread_over_the_run(people: People) -> None:
    tina = people["tina"]
    psp = make_course(kind=CourseKind.PSP, units=2, created_by=tina)
    start = date(2026, 9, 7)
    run = services.create_run(actor=tina, course=psp, data=_data(starts_on=start, ends_on=start + timedelta(days=1),
                                                                  trainers=(tina,), cost=Decimal("18500.50")))
    assert list(run.units.values_list("number", "held_on")) == [(1, start), (2, date(2026, 9, 8))]
    assert list(run.trainers.all()) == [tina] and run.cost == Decimal("18500.50")
    assert AuditEvent.objects.filter(action="training.run_created", object_id=str(run.pk)).exists()

    method = make_course(kind=CourseKind.MENTOR_METHOD, units=3, unit_kind=UnitKind.BLOCK, created_by=tina)
    run = services.create_run(actor=tina, course=method, data=_data(starts_on=start, ends_on=date(2026, 10, 7)))
    assert list(run.units.values_list("held_on", flat=True)) == [start, date(2026, 9, 22), date(2026, 10, 7)]


def test_given_unit_dates_are_kept(people: People) -> None:
    tina = people["tina"]
    course = make_course(units=2, created_by=tina)
    start = date(2026, 9, 7)
    run = services.create_run(actor=tina, course=course, data=_data(
        starts_on=start, ends_on=date(2026, 9, 20), unit_dates=(start, date(2026, 9, 20))))
    assert list(run.units.values_list("held_on", flat=True)) == [start, date(2026, 9, 20)]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"ends_on": date(2026, 9, 6)}, "ends_on", "The run cannot end before it starts (2026-09-07)."),
    ({"capacity": 0}, "capacity", "Give at least 1 place."),
    ({"cost": Decimal("-1")}, "cost", "The cost cannot be negative."),
    ({"unit_dates": (date(2026, 9, 7), date(2026, 9, 9))}, "unit_2",
     "Day 2 (2026-09-09) is outside the run, which is from 2026-09-07 to 2026-09-08."),
    ({"unit_dates": (date(2026, 9, 7),)}, "unit_dates",
     "A run of this course has 2 days, blocks or sessions: give one date for each (1 given)."),
    ({"unit_dates": (date(2026, 9, 8), date(2026, 9, 7))}, "unit_2", "Day 2 (2026-09-07) cannot come before Day 1."),
])
def test_bad_runs_are_refused_at_the_field(people: People, fields: dict[str, Any], field: str, message: str) -> None:
    tina = people["tina"]
    course = make_course(units=2, created_by=tina)
    with pytest.raises(ValidationError) as raised:
        services.create_run(actor=tina, course=course, data=_data(starts_on=date(2026, 9, 7), **fields))
    assert _errors(raised)[field] == [message]
    assert not CourseRun.objects.exists() and not RunUnit.objects.exists()


def test_only_trainers_of_the_courses_organisation_may_be_named(people: People) -> None:
    tina = people["tina"]
    course = make_course(created_by=tina)
    with pytest.raises(ValidationError) as raised:
        services.create_run(actor=tina, course=course, data=_data(trainers=(tina, people["mads"])))
    assert _errors(raised)["trainers"] == [
        "Mads Kjærholm cannot be named: a trainer needs a training role in "
        "Nationalt Center for Forebyggelse af Ekstremisme (demo)."]


def test_a_trainer_of_another_organisation_may_not_plan_a_run(people: People) -> None:
    course = make_course(organisation=_aarhus(), created_by=people["tina"])
    with pytest.raises(PermissionDenied):
        services.create_run(actor=people["tina"], course=course, data=_data())
    with pytest.raises(PermissionDenied):
        services.create_run(actor=people["carl"], course=make_course(created_by=people["tina"]), data=_data())


def test_the_places_cannot_fall_below_those_enrolled(people: People) -> None:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina), starts_on=TODAY + timedelta(days=10), capacity=5)
    for n in range(3):
        make_enrolment(run, name=f"Deltager {n}")
    with pytest.raises(ValidationError) as raised:
        services.update_run(actor=tina, run=run, expected_version=1,
                            data=_data(starts_on=run.starts_on, capacity=2))
    assert _errors(raised)["capacity"] == [
        "3 people are enrolled already, so the run needs at least 3 places. Withdraw someone first to make it "
        "smaller."]
    run.refresh_from_db()
    assert run.capacity == 5 and run.version == 1


def test_an_edit_moves_the_days_and_a_stale_one_changes_nothing(people: People) -> None:
    tina = people["tina"]
    run = make_run(make_course(created_by=tina), starts_on=TODAY + timedelta(days=10))
    start = TODAY + timedelta(days=20)
    saved = services.update_run(actor=tina, run=run, expected_version=1,
                                data=_data(starts_on=start, place="Odense", trainers=(tina,)))
    assert saved.version == 2 and saved.place == "Odense"
    assert list(run.units.values_list("held_on", flat=True)) == [start, start + timedelta(days=1)]
    event = AuditEvent.objects.get(action="training.run_updated")
    assert event.details["changed"] == ["ends_on", "place", "starts_on", "trainers", "unit_dates"]
    with pytest.raises(StaleEdit) as stale:
        services.update_run(actor=tina, run=run, expected_version=1, data=_data(starts_on=start, place="Vejle"))
    assert stale.value.current.place == "Odense"
    run.refresh_from_db()
    assert run.place == "Odense" and run.version == 2


# --- enrolment ----------------------------------------------------------------------------------------------

def _open_run(people: People, **fields: Any) -> CourseRun:
    return make_run(make_course(created_by=people["tina"]), starts_on=TODAY + timedelta(days=10), **fields)


def test_a_user_is_enrolled_for_their_first_organisation_and_the_audit_names_nobody(people: People) -> None:
    tina, rikke = people["tina"], people["rikke"]
    run = _open_run(people)
    enrolment = services.enrol_user(actor=tina, run=run, user=services.find_user("RIKKE"))
    assert (enrolment.user, enrolment.name, enrolment.organisation_kind) == (
        rikke, "Rikke Fenger", Organisation.Kind.PRISON_PROBATION)
    assert enrolment.organisation_name.startswith("Statsfængslet")
    event = AuditEvent.objects.get(action="training.enrolled")
    assert event.object_id == str(enrolment.pk) and "Rikke" not in str(event.details)


def test_a_user_is_found_by_email_and_enrolled_for_the_organisation_chosen(people: People) -> None:
    carl = people["carl"]
    User.objects.filter(pk=carl.pk).update(email="carl@example.org")
    odder = Organisation.objects.get(name__startswith="Odder")
    enrolment = services.enrol_user(actor=people["tina"], run=_open_run(people),
                                    user=services.find_user("Carl@Example.org"), organisation=odder)
    assert enrolment.organisation == odder and enrolment.email == "carl@example.org"


def test_a_user_who_is_not_a_member_of_the_organisation_chosen_is_refused(people: People) -> None:
    with pytest.raises(ValidationError) as raised:
        services.enrol_user(actor=people["tina"], run=_open_run(people), user=people["rikke"], organisation=_aarhus())
    assert _errors(raised)["organisation"] == ["Rikke Fenger has no active membership of Aarhus Kommune (demo)."]
    assert not Enrolment.objects.exists()


def test_an_unknown_user_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        services.find_user("nobody@example.org")
    assert "No active user of the platform has that username or e-mail address" in _errors(raised)["participant"][0]


def test_a_full_run_refuses_the_next_one(people: People) -> None:
    run = _open_run(people, capacity=2)
    make_enrolment(run, name="A")
    make_enrolment(run, name="B")
    with pytest.raises(ValidationError) as raised:
        services.enrol_user(actor=people["tina"], run=run, user=people["rikke"])
    assert raised.value.messages == ["The run is full: 2 of 2 places are taken."]
    with pytest.raises(ValidationError):
        services.enrol_external(actor=people["tina"], run=run, person=services.ExternalParticipant(
            name="Lone Vestergaard", organisation_name="Kriminalforsorgen", organisation_kind="prison_probation"))
    assert run.enrolments.count() == 2


def test_the_same_user_twice_and_a_cancelled_run_are_refused(people: People) -> None:
    tina, rikke = people["tina"], people["rikke"]
    run = _open_run(people)
    services.enrol_user(actor=tina, run=run, user=rikke)
    with pytest.raises(ValidationError) as raised:
        services.enrol_user(actor=tina, run=run, user=rikke)
    assert _errors(raised)["participant"] == ["Rikke Fenger is already enrolled on this run."]
    cancelled = _open_run(people, status=CourseRun.Status.CANCELLED)
    with pytest.raises(ValidationError) as raised:
        services.enrol_user(actor=tina, run=cancelled, user=rikke)
    assert raised.value.messages == ["The run was cancelled: nobody can be enrolled on it."]
    assert Enrolment.objects.count() == 1


def test_withdrawing_frees_the_place_and_the_same_row_takes_it_again(people: People) -> None:
    tina, rikke = people["tina"], people["rikke"]
    run = _open_run(people, capacity=1)
    enrolment = services.enrol_user(actor=tina, run=run, user=rikke)
    services.withdraw(actor=tina, run=run, enrolment=enrolment)
    other = services.enrol_external(actor=tina, run=run, person=services.ExternalParticipant(
        name="Jonas Kirk", organisation_name="Kriminalforsorgen", organisation_kind="prison_probation",
        email="jonas@example.org"))
    assert other.status == Enrolment.Status.ENROLLED
    services.withdraw(actor=tina, run=run, enrolment=other)
    again = services.enrol_user(actor=tina, run=run, user=rikke)
    assert again.pk == enrolment.pk and again.status == Enrolment.Status.ENROLLED
    with pytest.raises(ValidationError) as raised:
        services.withdraw(actor=tina, run=run, enrolment=other)
    assert raised.value.messages == ["Jonas Kirk has already withdrawn from the run."]
    assert AuditEvent.objects.filter(action="training.withdrawn").count() == 2


def test_bad_external_participants_are_refused_at_the_field(people: People) -> None:
    with pytest.raises(ValidationError) as raised:
        services.enrol_external(actor=people["tina"], run=_open_run(people), person=services.ExternalParticipant(
            name=" ", organisation_name="", organisation_kind="castle", email="not-an-address"))
    assert set(_errors(raised)) == {"name", "organisation_name", "organisation_kind", "email"}
    assert not Enrolment.objects.exists()


# --- attendance ---------------------------------------------------------------------------------------------

def _past_run(people: People, units: int = 2, **fields: Any) -> CourseRun:
    return make_run(make_course(units=units, created_by=people["tina"]), starts_on=TODAY - timedelta(days=20),
                    **fields)


def _marks(enrolment: Enrolment, units: list[RunUnit]) -> set[tuple[int, int]]:
    return {(enrolment.pk, u.pk) for u in units}


def test_attendance_is_recorded_present_and_absent(people: People) -> None:
    run = _past_run(people)
    a, b = make_enrolment(run, name="A"), make_enrolment(run, name="B")
    day1, day2 = list(run.units.order_by("number"))
    changed = services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[a.pk, b.pk],
                                         present={(a.pk, day1.pk), (a.pk, day2.pk), (b.pk, day1.pk)})
    assert changed == 4
    assert set(Attendance.objects.values_list("enrolment__name", "unit__number", "present")) == {
        ("A", 1, True), ("A", 2, True), ("B", 1, True), ("B", 2, False)}
    assert services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[b.pk],
                                      present={(b.pk, day1.pk), (b.pk, day2.pk)}) == 1


@pytest.mark.parametrize("who", ["forged", "other run", "withdrawn"])
def test_attendance_for_someone_not_enrolled_is_refused_and_nothing_saved(people: People, who: str) -> None:
    run = _past_run(people)
    enrolled = make_enrolment(run, name="Enrolled")
    units = list(run.units.all())
    if who == "forged":
        stranger_pk, expected = 987654, "Attendance was sent for someone who is not enrolled on this run " \
                                        "(enrolment 987654)."
    elif who == "other run":
        stranger = make_enrolment(_past_run(people), name="Elsewhere")
        stranger_pk, expected = stranger.pk, ("Attendance was sent for someone who is not enrolled on this run "
                                              f"(enrolment {stranger.pk}).")
    else:
        stranger = make_enrolment(run, name="Gone", status=Enrolment.Status.WITHDRAWN)
        stranger_pk, expected = stranger.pk, "Gone has withdrawn from the run: their attendance cannot be recorded."
    with pytest.raises(ValidationError) as raised:
        services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[enrolled.pk, stranger_pk],
                                   present=_marks(enrolled, units) | {(stranger_pk, units[0].pk)})
    assert raised.value.messages == [expected]
    assert not Attendance.objects.exists()


def test_a_unit_in_the_future_cannot_be_marked_present(people: People) -> None:
    run = make_run(make_course(units=3, created_by=people["tina"]), starts_on=TODAY - timedelta(days=1))
    e = make_enrolment(run, name="A")
    units = list(run.units.order_by("number"))
    with pytest.raises(ValidationError) as raised:
        services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[e.pk], present=_marks(e, units))
    assert raised.value.messages == [
        f"Day 3 is on {(TODAY + timedelta(days=1)).isoformat()}, in the future: nobody can be marked present for it "
        "yet."]
    assert not Attendance.objects.exists()
    services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[e.pk], present=_marks(e, units[:2]))
    assert Attendance.objects.filter(present=True).count() == 2
    assert not Attendance.objects.filter(unit=units[2]).exists()  # nothing recorded for a day to come


def test_a_unit_of_another_run_is_refused(people: People) -> None:
    run = _past_run(people)
    e = make_enrolment(run, name="A")
    foreign = _past_run(people).units.first()
    assert foreign is not None
    with pytest.raises(ValidationError) as raised:
        services.record_attendance(actor=people["tina"], run=run, enrolment_ids=[e.pk], present={(e.pk, foreign.pk)})
    assert raised.value.messages == [
        f"Attendance was sent for a day or block that is not part of this run ({foreign.pk})."]


# --- completion ---------------------------------------------------------------------------------------------

def test_completion_certifies_those_present_at_every_unit_and_lists_the_others(people: People) -> None:
    tina = people["tina"]
    run = _past_run(people, units=3)
    full, part, none = (make_enrolment(run, people["rikke"]), make_enrolment(run, name="Part"),
                        make_enrolment(run, name="None"))
    attend(full)
    attend(part, units=[1, 3])
    done = services.complete_run(actor=tina, run=run)
    assert [e.pk for e in done.completed] == [full.pk]
    assert {e.pk for e in done.not_completed} == {part.pk, none.pk}
    full.refresh_from_db()
    last = run.units.order_by("-number").values_list("held_on", flat=True)[0]
    assert full.completed_on == last and full.certificate_number == f"IH-{last:%Y}-{full.pk:06d}"
    run.refresh_from_db()
    assert run.status == CourseRun.Status.HELD and run.version == 2
    assert completions([people["rikke"].pk], [CourseKind.PSP]) == {people["rikke"].pk: last}
    # Run again after the attendance is corrected: the certificate stays, the newly present complete.
    attend(part)
    again = services.complete_run(actor=tina, run=run)
    assert [e.pk for e in again.completed] == [part.pk]
    full.refresh_from_db()
    assert full.certificate_number == f"IH-{last:%Y}-{full.pk:06d}"


def test_a_run_not_over_cannot_be_completed(people: People) -> None:
    run = make_run(make_course(units=2, created_by=people["tina"]), starts_on=TODAY)
    with pytest.raises(ValidationError) as raised:
        services.complete_run(actor=people["tina"], run=run)
    assert raised.value.messages == [
        f"The run is not over: Day 2 is on {(TODAY + timedelta(days=1)).isoformat()}. Complete it after its last day."]
    run.refresh_from_db()
    assert run.status == CourseRun.Status.PLANNED


def test_a_certificate_holder_cannot_be_withdrawn_or_marked_absent(people: People) -> None:
    tina = people["tina"]
    run = _past_run(people)
    e = make_enrolment(run, name="Holder")
    attend(e)
    services.complete_run(actor=tina, run=run)
    e.refresh_from_db()
    with pytest.raises(ValidationError):
        services.withdraw(actor=tina, run=run, enrolment=e)
    with pytest.raises(ValidationError) as raised:
        services.record_attendance(actor=tina, run=run, enrolment_ids=[e.pk], present=set())
    assert raised.value.messages == [
        f"Holder holds certificate {e.certificate_number}: their attendance cannot be changed to absent (Day 1, "
        "Day 2)."]
    assert Attendance.objects.filter(enrolment=e, present=True).count() == 2


def test_a_named_trainer_of_another_organisation_works_on_the_run(people: People) -> None:
    """runs_for: a trainer named on a run works on it while they train somewhere."""
    trainer = User.objects.create_user(username="tove", first_name="Tove", last_name="Test")
    Membership.objects.create(user=trainer, organisation=_aarhus(), role=Role.TRAINER)
    run = _past_run(people)
    e = make_enrolment(run, name="A")
    with pytest.raises(PermissionDenied):
        services.record_attendance(actor=trainer, run=run, enrolment_ids=[e.pk], present=set())
    run.trainers.add(trainer)
    services.record_attendance(actor=trainer, run=run, enrolment_ids=[e.pk], present=set())
    assert Attendance.objects.filter(enrolment=e, present=False).count() == 2
