"""Training coverage as counts for the insights dashboard: the same statuses as the trainers'
compliance page, counted in the database, per requirement and area."""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.training.models import CourseKind
from infohus.training.selectors import statistics as stats
from infohus.training.selectors.compliance import DUE_SOON, OVERDUE, UP_TO_DATE, compliance
from infohus.training.selectors.statistics import Coverage
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name)


def mentor(username: str, municipality: Organisation) -> User:
    user = User.objects.create_user(username=username, first_name=username.title())
    Membership.objects.create(user=user, organisation=municipality, role=Role.MENTOR)
    return user


def completed(user: User, on: date, kind: str = CourseKind.MENTOR_METHOD) -> None:
    run = make_run(make_course(kind=kind, created_by=user), starts_on=on - timedelta(days=5))
    make_enrolment(run, user, completed_on=on)


@pytest.fixture
def world(people: dict[str, User]) -> dict[str, object]:
    """A requirement that every municipal mentor completes the method training every 24 months
    (reminded 30 days before). Aarhus: mads up to date, one due soon, one never trained, one whose
    only training was a course that does not count. Randers: otto overdue."""
    aarhus, randers = org("Aarhus"), org("Randers")
    requirement = make_requirement(created_by=people["tina"], name="Mentorer", role=Role.MENTOR,
                                   organisation_kind=Organisation.Kind.MUNICIPALITY,
                                   satisfied_by=[CourseKind.MENTOR_METHOD], interval_months=24, remind_days_before=30)
    make_requirement(created_by=people["tina"], name="Old", is_active=False)
    completed(people["mads"], TODAY - timedelta(days=365))
    completed(mentor("soon", aarhus), date(2023, 7, 1))  # due 1 July 2025: within 30 days
    mentor("never", aarhus)
    completed(mentor("other", aarhus), TODAY - timedelta(days=10), kind=CourseKind.PSP)
    completed(people["otto"], date(2023, 6, 1))  # due 1 June 2025: overdue
    return {"requirement": requirement, "aarhus": aarhus, "randers": randers}


def test_counts_match_the_compliance_page(world: dict[str, object]) -> None:
    rows = stats.coverage(as_of=TODAY, area=None)

    requirement = world["requirement"]
    page = compliance(requirement, today=TODAY)  # type: ignore[arg-type]
    assert rows == [Coverage(requirement_id=requirement.pk, name="Mentorer",  # type: ignore[attr-defined]
                             people=page.national.people, up_to_date=page.by_status[UP_TO_DATE],
                             due_soon=page.by_status[DUE_SOON], overdue=page.by_status[OVERDUE])]
    # By hand: mads up to date; "soon" due soon; "never", "other" and otto overdue.
    assert (rows[0].people, rows[0].up_to_date, rows[0].due_soon, rows[0].overdue) == (5, 1, 1, 3)


def test_an_area_counts_its_own_memberships(world: dict[str, object]) -> None:
    randers = world["randers"]
    area = Organisation.objects.filter(Q(pk=randers.pk) | Q(parent=randers)).values("pk")  # type: ignore[attr-defined]

    [row] = stats.coverage(as_of=TODAY, area=area)

    assert (row.people, row.up_to_date, row.due_soon, row.overdue) == (1, 0, 0, 1)


def test_on_an_earlier_day_later_completions_do_not_count(world: dict[str, object]) -> None:
    # On 1 January 2024 mads had not yet trained (he did in June 2024): overdue; "soon" and otto
    # were up to date.
    [row] = stats.coverage(as_of=date(2024, 1, 1), area=None)

    assert (row.people, row.up_to_date, row.due_soon, row.overdue) == (5, 2, 0, 3)


def test_two_queries_however_many_people(world: dict[str, object], django_assert_num_queries: object) -> None:
    for n in range(5):
        completed(mentor(f"extra{n}", world["aarhus"]), TODAY - timedelta(days=n))  # type: ignore[arg-type]
    with django_assert_num_queries(2):  # type: ignore[operator]
        [row] = stats.coverage(as_of=TODAY, area=None)
    assert row.people == 10


def test_no_active_requirement_no_rows(people: dict[str, User], django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert stats.coverage(as_of=TODAY, area=None) == []
