"""Compliance of a recurring requirement, read from the database at a fixed date: who is in scope,
their latest completion and due date (calendar months, clamped to the month's end), the order
overdue first, the figures per institution and nationally."""

from datetime import date, timedelta
from typing import Any

import pytest

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.training.models import CourseKind, Enrolment
from infohus.training.selectors import compliance as reads
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = date(2026, 3, 15)


def prison(name: str, *, active: bool = True) -> Organisation:
    return Organisation.objects.create(name=name, kind=Organisation.Kind.PRISON_PROBATION, is_active=active)


def resource_person(username: str, last_name: str, organisation: Organisation, *, active: bool = True,
                    role: str = Role.RESOURCE_PERSON) -> User:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name=last_name,
                                    email=f"{username}@example.invalid")
    Membership.objects.create(user=user, organisation=organisation, role=role, is_active=active)
    return user


def completed(user: User, on: date, *, kind: str = CourseKind.RESOURCE_PERSON_FOLLOW_UP, trainer: User,
              withdrawn: bool = False) -> Enrolment:
    run = make_run(make_course(kind=kind, units=1, created_by=trainer), starts_on=on)
    status = Enrolment.Status.WITHDRAWN if withdrawn else Enrolment.Status.ENROLLED
    return make_enrolment(run, user, completed_on=on, status=status)


# --- dates ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2026, 7, 31), 120, date(2036, 7, 31)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 10), -6, date(2025, 7, 10)),
])
def test_months_are_calendar_months_clamped_to_the_end(day: date, months: int, expected: date) -> None:
    assert reads.add_months(day, months) == expected


@pytest.mark.parametrize("months", [1, 6, 12, 13])
def test_the_overdue_cutoff_is_the_first_completion_still_in_time(months: int) -> None:
    today = date(2027, 1, 1)
    while today < date(2029, 1, 1):
        cutoff = reads.overdue_cutoff(today, months)
        assert reads.add_months(cutoff, months) >= today, (today, months)
        assert reads.add_months(cutoff - timedelta(days=1), months) < today, (today, months)
        today += timedelta(days=1)


@pytest.mark.parametrize(("months", "window"), [(6, 30), (1, 0), (12, 3)])
def test_the_completions_due_in_a_window_are_one_range(months: int, window: int) -> None:
    completions = [date(2025, 1, 1) + timedelta(days=n) for n in range(1100)]
    today = date(2026, 1, 20)
    while today < date(2027, 1, 20):
        last_due = today + timedelta(days=window)
        start, stop = reads.completions_due_between(today, last_due, months)
        in_range = [d for d in completions if start <= d < stop]
        by_due_date = [d for d in completions if today <= reads.add_months(d, months) <= last_due]
        assert in_range == by_due_date, (today, months, window)
        today += timedelta(days=1)


def test_status_from_the_due_date() -> None:
    def status(due: date | None) -> str:
        return reads.status_of(due, today=TODAY, remind_days_before=30)

    assert status(None) == reads.OVERDUE
    assert status(TODAY - timedelta(days=1)) == reads.OVERDUE
    assert status(TODAY) == reads.DUE_SOON
    assert status(TODAY + timedelta(days=30)) == reads.DUE_SOON
    assert status(TODAY + timedelta(days=31)) == reads.UP_TO_DATE
    assert reads.status_of(TODAY + timedelta(days=1), today=TODAY, remind_days_before=0) == reads.UP_TO_DATE


# --- who is in scope, and in which order -----------------------------------------------------------------------

@pytest.fixture
def world(people: People) -> dict[str, Any]:
    """Prisons A (the demo prison, rikke), B (six resource persons) and C (nobody); an inactive
    prison D; a resource person in a municipality; an inactive membership."""
    tina = people["tina"]
    a = Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)
    b, c, d = prison("Fængsel B"), prison("Fængsel C"), prison("Fængsel D", active=False)
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    u = {name: resource_person(name, last, b) for name, last in
         [("anna", "Andersen"), ("bo", "Berg"), ("cecilie", "Carlsen"), ("dennis", "Dahl"), ("erik", "Eriksen"),
          ("frida", "Friis")]}
    completed(people["rikke"], date(2025, 7, 20), trainer=tina)                 # due 2026-01-20: overdue
    completed(u["bo"], date(2026, 2, 1), kind=CourseKind.AWARENESS, trainer=tina)  # does not count
    completed(u["cecilie"], date(2026, 1, 10), kind=CourseKind.RESOURCE_PERSON, trainer=tina)  # due 2026-07-10
    completed(u["dennis"], date(2025, 10, 1), trainer=tina)                      # due 2026-04-01: due soon
    completed(u["dennis"], date(2025, 4, 1), trainer=tina)                       # an older one: not the latest
    completed(u["erik"], date(2025, 5, 2), trainer=tina)                         # due 2025-11-02: overdue
    completed(u["frida"], date(2026, 2, 1), trainer=tina, withdrawn=True)        # withdrawn: does not count
    resource_person("gustav", "Gran", b, active=False)                           # inactive membership
    resource_person("hanne", "Holm", aarhus)                                     # another kind of organisation
    resource_person("ib", "Iversen", d)                                          # an inactive prison
    resource_person("jens", "Juhl", a, role=Role.REPORTER)                       # another role
    return {"a": a, "b": b, "c": c, "users": u, "requirement": make_requirement(created_by=tina)}


def test_people_in_scope_overdue_first_then_due_soon_then_up_to_date(world: dict[str, Any]) -> None:
    result = reads.compliance(world["requirement"], today=TODAY)
    order = [(row.username, row.status) for row in result.people]
    assert order == [
        ("anna", reads.OVERDUE), ("bo", reads.OVERDUE), ("frida", reads.OVERDUE),  # never, by name
        ("erik", reads.OVERDUE), ("rikke", reads.OVERDUE),                          # the earliest due first
        ("dennis", reads.DUE_SOON), ("cecilie", reads.UP_TO_DATE),
    ]
    assert [row.username for row in result.overdue] == ["anna", "bo", "frida", "erik", "rikke"]


def test_latest_completion_and_due_date(world: dict[str, Any]) -> None:
    rows = {row.username: row for row in reads.compliance(world["requirement"], today=TODAY).people}
    assert (rows["dennis"].latest, rows["dennis"].due_on, rows["dennis"].days) == (
        date(2025, 10, 1), date(2026, 4, 1), 17)
    assert (rows["rikke"].due_on, rows["rikke"].days_overdue) == (date(2026, 1, 20), 54)
    assert (rows["bo"].latest, rows["bo"].due_on, rows["bo"].days_overdue) == (None, None, None)
    assert rows["cecilie"].due_on == date(2026, 7, 10)


def test_per_institution_and_nationally(world: dict[str, Any]) -> None:
    result = reads.compliance(world["requirement"], today=TODAY)
    figures = [(i.name, i.people, i.up_to_date, i.due_soon, i.overdue, i.meets_minimum) for i in result.institutions]
    assert figures == [
        ("Fængsel C", 0, 0, 0, 0, False),   # lacking a resource person: first
        ("Fængsel B", 6, 1, 1, 4, True),
        (world["a"].name, 1, 0, 0, 1, True),
    ]
    assert result.institutions[0].lacking == 1
    assert result.national == reads.National(institutions=3, institutions_meeting_minimum=2, people=7, up_to_date=1,
                                             due_soon=1, overdue=5)
    assert result.chart()["values"] == [1, 1, 5]


def test_a_minimum_of_two_and_a_person_in_two_institutions(world: dict[str, Any], people: People) -> None:
    requirement = world["requirement"]
    requirement.minimum_per_organisation = 2
    Membership.objects.create(user=world["users"]["anna"], organisation=world["a"], role=Role.RESOURCE_PERSON)
    result = reads.compliance(requirement, today=TODAY)
    by_name = {i.name: i for i in result.institutions}
    assert (by_name[world["a"].name].people, by_name[world["a"].name].meets_minimum) == (2, True)
    assert [row.username for row in result.people].count("anna") == 2
    assert result.national.people == 7 and result.national.overdue == 5  # anna counted once nationally
    assert result.national.institutions_meeting_minimum == 2


def test_a_requirement_satisfied_by_other_kinds(world: dict[str, Any]) -> None:
    requirement = world["requirement"]
    requirement.satisfied_by = [CourseKind.AWARENESS]
    rows = {row.username: row for row in reads.compliance(requirement, today=TODAY).people}
    assert rows["bo"].status == reads.UP_TO_DATE and rows["bo"].latest == date(2026, 2, 1)
    assert rows["dennis"].status == reads.OVERDUE and rows["dennis"].latest is None


def test_overdue_summary_counts_in_the_database(world: dict[str, Any], people: People,
                                                django_assert_max_num_queries: Any) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    make_requirement(created_by=people["carl"], organisation=aarhus, name="Kept by Aarhus")
    with django_assert_max_num_queries(2):  # the requirements, and the count for the one with people overdue
        summary = reads.overdue_summary(people["tina"], today=TODAY)
    assert summary == [(world["requirement"], 5)]
