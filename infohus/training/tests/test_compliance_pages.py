"""The requirement and compliance pages in the browser: the list, a new requirement and its edit
(bad input refused at the field with a 400 and nothing lost; a stale edit 409 with the current
values), the compliance page with exactly the overdue resource persons first, its chart beside the
table, its CSV download, who may open it, and its query count, which does not grow with people or
institutions."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.training.models import CourseKind, Enrolment, Requirement
from infohus.training.selectors.compliance import add_months
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request (session, user, second factor, memberships: 4; the session saved at the end: 3), the
# requirement (1), the people in scope with their latest completion (1), the institutions (1), and
# the audited read (4, and PostgreSQL's advisory lock: 1).
COMPLIANCE_QUERIES = 15
# The request (4 + 3) and the requirements (1).
LIST_QUERIES = 8


def url(name: str, *args: int) -> str:
    return reverse(f"training:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def prison(name: str, *, active: bool = True) -> Organisation:
    return Organisation.objects.create(name=name, kind=Organisation.Kind.PRISON_PROBATION, is_active=active)


def person(username: str, last_name: str, organisation: Organisation, *, active: bool = True) -> User:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name=last_name)
    Membership.objects.create(user=user, organisation=organisation, role=Role.RESOURCE_PERSON, is_active=active)
    return user


def completed(user: User, on: date, trainer: User, *, kind: str = CourseKind.RESOURCE_PERSON_FOLLOW_UP) -> Enrolment:
    run = make_run(make_course(kind=kind, units=1, created_by=trainer), starts_on=on)
    return make_enrolment(run, user, completed_on=on)


def rows_of(page: str) -> list[tuple[str, str]]:
    """(status, username) of each row of the per-person table, in order."""
    return re.findall(r'<tr data-status="(\w+)" data-username="([\w-]+)">', page)


def post_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Resource persons", "description": "Every institution has one.", "role": Role.RESOURCE_PERSON,
        "organisation_kind": Organisation.Kind.PRISON_PROBATION, "minimum_per_organisation": "1",
        "satisfied_by": [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP],
        "interval_months": "6", "remind_days_before": "30"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- done when: the page lists exactly the overdue resource persons, in order ----------------------------------

@pytest.fixture
def fixture(people: People) -> Requirement:
    """Several institutions; resource persons with completions at chosen dates, one never trained,
    one trained in a kind of course that does not count, one whose membership is inactive, one in
    another kind of organisation, one in an institution no longer active."""
    tina = people["tina"]
    b, c = prison("Horsens Fængsel (test)"), prison("Kragskovhede Fængsel (test)")
    closed = prison("Nedlagt Arresthus (test)", active=False)
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    completed(people["rikke"], add_months(TODAY, -8), tina)                     # due two months ago
    person("nina", "Nygaard", b)                                                 # never trained
    awareness = person("aksel", "Ahlgren", c)
    completed(awareness, TODAY - timedelta(days=20), tina, kind=CourseKind.AWARENESS)  # does not count
    long_ago = person("lone", "Lind", c)
    completed(long_ago, add_months(TODAY, -11), tina)                            # due five months ago
    soon = person("svend", "Sand", b)
    completed(soon, add_months(TODAY + timedelta(days=10), -6), tina)            # due in about ten days
    fine = person("frej", "Foss", c)
    completed(fine, add_months(TODAY, -2), tina, kind=CourseKind.RESOURCE_PERSON)  # due in four months
    gone = person("gerda", "Gram", b, active=False)                              # inactive membership
    completed(gone, add_months(TODAY, -9), tina)
    person("hugo", "Holm", aarhus)                                               # a municipality, never trained
    person("ivar", "Isaksen", closed)                                            # an institution not active
    return make_requirement(created_by=tina)


def test_the_compliance_page_lists_exactly_the_overdue_resource_persons_first(
        signed_in: ClientFor, fixture: Requirement) -> None:
    page = page_of(signed_in("tina").get(url("compliance", fixture.pk)))
    rows = rows_of(page)
    assert [username for status, username in rows if status == "overdue"] == ["aksel", "nina", "lone", "rikke"]
    assert rows == [("overdue", "aksel"), ("overdue", "nina"), ("overdue", "lone"), ("overdue", "rikke"),
                    ("due_soon", "svend"), ("up_to_date", "frej")]
    for outside in ("gerda", "hugo", "ivar"):
        assert f'data-username="{outside}"' not in page
    assert "No course completed yet" in page and "Due soon" in page
    national = dict(re.findall(r'<td data-figure="(\w+)">(\d+)</td>', page))
    assert national == {"institutions": "3", "institutions_meeting_minimum": "3", "people": "6", "up_to_date": "1",
                        "due_soon": "1", "overdue": "4"}


def test_per_institution_with_one_lacking_a_resource_person(signed_in: ClientFor, fixture: Requirement) -> None:
    empty = prison("Tom Institution (test)")
    page = page_of(signed_in("tina").get(url("compliance", fixture.pk)))
    institutions = re.findall(r'<tr data-organisation="(\d+)" data-meets-minimum="(yes|no)">', page)
    assert institutions[0] == (str(empty.pk), "no")
    assert [flag for _pk, flag in institutions[1:]] == ["yes", "yes", "yes"]
    assert "Lacks 1 person" in page


def test_the_read_is_audited_without_names(signed_in: ClientFor, fixture: Requirement) -> None:
    signed_in("tina").get(url("compliance", fixture.pk))
    event = AuditEvent.objects.get(action="training.compliance_viewed")
    assert (event.actor_username, event.object_id) == ("tina", str(fixture.pk))
    assert event.details == {"people": 6, "overdue": 4}


def test_the_chart_sits_beside_its_table_and_runs_under_the_csp(signed_in: ClientFor, fixture: Requirement) -> None:
    response = signed_in("tina").get(url("compliance", fixture.pk))
    page = page_of(response)
    assert re.search(r'<script id="compliance-chart-data" type="application/json">.*"values": \[1, 1, 4\]', page)
    assert 'data-compliance-chart="compliance-chart-data"' in page and "vendor/chartjs/chart.umd.min.js" in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None and f'<script nonce="{nonce.group(1)}">' in page
    assert 'data-testid="national"' in page


def test_no_chart_without_people(signed_in: ClientFor, people: People) -> None:
    requirement = make_requirement(created_by=people["tina"], organisation_kind=Organisation.Kind.SECURITY_SERVICE)
    page = page_of(signed_in("tina").get(url("compliance", requirement.pk)))
    assert "compliance-chart-data" not in page and "chart.umd.min.js" not in page
    assert "Nobody holds the role in an organisation of this kind." in page


def test_the_people_as_csv_overdue_first(signed_in: ClientFor, fixture: Requirement, people: People) -> None:
    User.objects.filter(username="nina").update(first_name="=HYPERLINK(1)")
    response = signed_in("tina").get(url("compliance", fixture.pk), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="compliance-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffName,User name,Organisation,Latest completion,Due on,Status\r\n")
    lines = body.split("\r\n")[1:-1]
    assert [line.split(",")[1] for line in lines] == ["aksel", "nina", "lone", "rikke", "svend", "frej"]
    assert lines[1].startswith("'=HYPERLINK(1) Nygaard,nina,Horsens Fængsel (test),,,Overdue")
    assert AuditEvent.objects.filter(action="training.compliance_exported", actor_username="tina").exists()


def test_queries_do_not_grow_with_people_or_institutions(signed_in: ClientFor, people: People,
                                                        django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    requirement = make_requirement(created_by=people["tina"])
    counts = []
    for total in (1, 40):
        for n in range(total):
            institution = prison(f"Institution {total}-{n}")
            user = person(f"p{total}x{n}", "Test", institution)
            if n % 2:
                completed(user, add_months(TODAY, -(n % 9)), people["tina"])
        with django_assert_max_num_queries(COMPLIANCE_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("compliance", requirement.pk)))
        counts.append(len(queries))
        assert f'data-username="p{total}x{total - 1}"' in page
    assert counts[0] == counts[1]


# --- who opens what ------------------------------------------------------------------------------------------------

def test_a_trainer_opens_only_the_requirements_of_her_organisation(signed_in: ClientFor, people: People) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    theirs = make_requirement(created_by=people["carl"], organisation=aarhus, name="Kept by Aarhus")
    ours = make_requirement(created_by=people["tina"], name="Kept by the centre")
    client = signed_in("tina")
    listing = page_of(client.get(url("requirement_list")))
    assert "Kept by the centre" in listing and "Kept by Aarhus" not in listing
    assert url("compliance", ours.pk) in listing
    assert client.get(url("compliance", theirs.pk)).status_code == 404
    assert client.get(url("requirement_edit", theirs.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="training.requirement_refused", actor_username="tina",
                                     object_id=str(theirs.pk)).count() == 2


@pytest.mark.parametrize("username", ["rikke", "carl", "anders", "kamal"])
def test_others_may_not_open_requirements(signed_in: ClientFor, people: People, username: str) -> None:
    requirement = make_requirement(created_by=people["tina"])
    client = signed_in(username)
    assert client.get(url("requirement_list")).status_code == 403
    assert client.get(url("compliance", requirement.pk)).status_code == 403


def test_list_queries_do_not_grow_with_requirements(signed_in: ClientFor, people: People,
                                                    django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    counts = []
    for total in (1, 30):
        for n in range(total):
            make_requirement(created_by=people["tina"], name=f"Requirement {total}-{n}")
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("requirement_list")))
        counts.append(len(queries))
        assert f"Requirement {total}-{total - 1}" in page
    assert counts[0] == counts[1]


# --- a new requirement ------------------------------------------------------------------------------------------------

def test_a_trainer_adds_a_requirement_kept_by_her_organisation(signed_in: ClientFor, people: People) -> None:
    client = signed_in("tina")
    assert "Satisfied by completing" in page_of(client.get(url("requirement_new")))
    response = client.post(url("requirement_new"), post_data())
    requirement = Requirement.objects.get()
    assert response.status_code == 302 and response["Location"] == url("compliance", requirement.pk)
    assert requirement.organisation.kind == Organisation.Kind.NATIONAL_CENTRE
    assert (requirement.interval_months, requirement.remind_days_before, requirement.satisfied_by) == (
        6, 30, [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP])
    assert requirement.created_by == people["tina"] and requirement.version == 1
    assert AuditEvent.objects.filter(action="training.requirement_created", object_id=str(requirement.pk)).exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"interval_months": "0"}, "interval_months", "Give an interval from 1 to 120 months."),
    ({"interval_months": "121"}, "interval_months", "Give an interval from 1 to 120 months."),
    ({"satisfied_by": None}, "satisfied_by",
     "Choose at least one kind of course whose completion satisfies the requirement."),
    ({"remind_days_before": "-1"}, "remind_days_before", "Give a number of days from 0 to 365 (0: on the due date)."),
    ({"remind_days_before": "366"}, "remind_days_before", "Give a number of days from 0 to 365 (0: on the due date)."),
    ({"minimum_per_organisation": "101"}, "minimum_per_organisation", "Give a number of people from 0 to 100."),
    ({"satisfied_by": ["karate"]}, "satisfied_by", "Select a valid choice."),
    ({"role": "king"}, "role", "Select a valid choice."),
    ({"name": "  "}, "name", "This field is required."),
])
def test_bad_input_is_refused_at_the_field_and_nothing_is_lost(signed_in: ClientFor, people: People,
                                                               changes: dict[str, Any], field: str,
                                                               message: str) -> None:
    data = post_data(description="Typed with care: keep me.", **changes)
    page = page_of(signed_in("tina").post(url("requirement_new"), data), 400)
    assert f'id="id_{field}_error"' in page and message in page
    assert "Typed with care: keep me." in page
    assert not Requirement.objects.exists()


# --- the edit, with its version check ------------------------------------------------------------------------

def test_a_trainer_changes_a_requirement(signed_in: ClientFor, people: People) -> None:
    requirement = make_requirement(created_by=people["tina"])
    client = signed_in("tina")
    form = page_of(client.get(url("requirement_edit", requirement.pk)))
    assert 'name="version" value="1"' in form and 'value="6"' in form
    response = client.post(url("requirement_edit", requirement.pk),
                           post_data(interval_months="12", satisfied_by=[CourseKind.RESOURCE_PERSON_FOLLOW_UP],
                                     version="1"))
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.interval_months, requirement.satisfied_by, requirement.version, requirement.is_active) == (
        12, [CourseKind.RESOURCE_PERSON_FOLLOW_UP], 2, False)
    event = AuditEvent.objects.get(action="training.requirement_changed")
    assert "interval_months" in event.details["changed"] and event.details["version"] == 2


def test_a_stale_edit_is_409_with_the_current_values_and_the_input_kept(signed_in: ClientFor, people: People) -> None:
    requirement = make_requirement(created_by=people["tina"])
    Requirement.objects.filter(pk=requirement.pk).update(interval_months=9, version=2)  # someone else saved
    page = page_of(signed_in("tina").post(url("requirement_edit", requirement.pk),
                                          post_data(interval_months="12", name="My new name", is_active="on",
                                                    version="1")), 409)
    assert 'data-testid="stale"' in page and 'data-testid="current-values"' in page
    assert "<td>9</td>" in page                          # the current interval
    assert 'value="My new name"' in page and 'value="12"' in page  # the input kept
    assert 'name="version" value="2"' in page            # saving again overwrites knowingly
    requirement.refresh_from_db()
    assert (requirement.interval_months, requirement.version) == (9, 2)
    assert not AuditEvent.objects.filter(action="training.requirement_changed").exists()


def test_bad_input_on_edit_is_refused_and_nothing_changes(signed_in: ClientFor, people: People) -> None:
    requirement = make_requirement(created_by=people["tina"])
    page = page_of(signed_in("tina").post(url("requirement_edit", requirement.pk),
                                          post_data(interval_months="200", name="Changed", version="1")), 400)
    assert "Give an interval from 1 to 120 months." in page and 'value="Changed"' in page
    requirement.refresh_from_db()
    assert (requirement.interval_months, requirement.version, requirement.name) == (6, 1, "Ressourcepersoner i "
                                                                                      "fængsler og frivilligt")


def test_an_edit_without_its_version_is_refused_in_words(signed_in: ClientFor, people: People) -> None:
    requirement = make_requirement(created_by=people["tina"])
    page = page_of(signed_in("tina").post(url("requirement_edit", requirement.pk),
                                          post_data(interval_months="12", version="x")), 400)
    assert "The form was incomplete. Open the requirement again and make your change." in page
    requirement.refresh_from_db()
    assert (requirement.interval_months, requirement.version) == (6, 1)
