"""The intervention pages in the browser: start one on a case, record an advice consultation, the
intervention's page (plan, sessions with their notes only in the reader's compartments, the
lending), goals, sessions, ending, the provider's list and the case page's panel. Bad input comes
back with 400, the message at its field and everything typed still in the form; every list and
detail page is pinned to a number of queries that does not grow with the data."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.assessments.tests.factories import make_assessment, published
from infohus.cases.models import Case, NetworkMember, Note, Person, TeamMember
from infohus.cases.tests.factories import grant_break_glass, make_case, make_person
from infohus.cases.tests.triage_helpers import audit_queries
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    Session,
)
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()
K = InterventionKind
BRA_FILE = Path(__file__).resolve().parents[2] / "assessments" / "instruments" / "balanced-risk-assessment.json"

# Queries of a signed-in page before the view's own (see core/tests/test_start_pages.py): session,
# user, OTP device, memberships; and the session save at the end (savepoint, update, release).
SIGNED_IN = 4 + 3
# An audit event: savepoint, the chain's last hash, insert, release (and PostgreSQL's advisory lock).
AUDIT = audit_queries(1)
# The intervention page: the intervention with its providers; case_access's case and team member;
# the audit of the read; goals; count and page of sessions; the goals and the network members of
# the sessions the reader sees; the lending request with whether the reader may open it.
DETAIL_QUERIES = SIGNED_IN + 3 + AUDIT + 1 + 2 + 2 + 1
# The provider's list: count and page of interventions; the audit of the list; the advice counts.
MINE_QUERIES = SIGNED_IN + 2 + AUDIT + 1


def url(name: str, *args: int) -> str:
    return reverse(f"interventions:{name}", args=args)


def _page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def _field_error(html: str, field: str) -> str:
    """The message shown at a field (the includes/form.html markup)."""
    match = re.search(rf'<span class="form-error-message" id="id_{field}_error">([^<]*)</span>', html)
    assert match is not None, f"no error at {field}"
    return match.group(1)


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], team={people["mads"]: "general", people["signe"]: "general,health"})


@pytest.fixture
def mentoring(people: dict[str, User], case: Case) -> Intervention:
    return make_intervention(case=case, provider_user=people["mads"], started_on=TODAY - timedelta(days=20),
                             description="Weekly meetings at the youth club.")


# --- starting on a case ----------------------------------------------------------------------------

def test_the_start_form_offers_the_team_and_the_corps_of_the_municipality(signed_in: ClientFor,
                                                                          people: dict[str, User],
                                                                          case: Case) -> None:
    nora = User.objects.create_user("nora", first_name="Nora", last_name="Bech")
    make_profile(nora, org("Aarhus"))
    make_profile(people["otto"], org("Randers"))

    html = _page(signed_in("carl").get(url("case_start", case.pk)))

    select = html[html.index('name="provider_user"'):]
    select = select[:select.index("</select>")]
    assert "Mads Kjærholm" in select and "Signe Aldal" in select and "Nora Bech" in select
    assert "Otto Rimmen" not in select


def test_starting_without_a_provider_comes_back_at_the_field_with_what_was_typed(signed_in: ClientFor,
                                                                                case: Case) -> None:
    response = signed_in("carl").post(url("case_start", case.pk), {
        "kind": K.MENTORING, "started_on": str(TODAY), "description": "Weekly meetings, Tuesdays."})

    html = _page(response, 400)
    assert "Choose who provides the intervention" in _field_error(html, "provider_user")
    assert "Weekly meetings, Tuesdays." in html and 'value="mentoring" selected' in html
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(("profile", "message"), [
    ({"accredited_on": None, "accreditation_expires_on": None}, "has not completed the method training"),
    ({"accreditation_expires_on": TODAY - timedelta(days=1)}, "The accreditation of Mads Kjærholm expired on"),
    ({"capacity": 0}, "is at full capacity (0 of 0 courses)"),
])
def test_a_mentor_who_cannot_be_assigned_is_refused_with_the_reason(signed_in: ClientFor, people: dict[str, User],
                                                                   case: Case, profile: dict[str, Any],
                                                                   message: str) -> None:
    make_profile(people["mads"], **profile)

    response = signed_in("carl").post(url("case_start", case.pk), {
        "kind": K.MENTORING, "provider_user": people["mads"].pk, "started_on": str(TODAY),
        "description": "Weekly."})

    html = _page(response, 400)
    assert escape(message) in _field_error(html, "provider_user")
    assert f'value="{people["mads"].pk}" selected' in html


def test_a_treatment_referral_outside_the_ages_is_started_with_a_warning(signed_in: ClientFor,
                                                                         people: dict[str, User]) -> None:
    young = make_case(lead=people["carl"], person=make_person(birth_date=TODAY.replace(year=TODAY.year - 16)))
    client = signed_in("carl")

    response = client.post(url("case_start", young.pk), {
        "kind": K.TREATMENT_REFERRAL, "provider_organisation": org("Psykiatrien").pk, "started_on": str(TODAY),
        "treatment": "motivational"}, follow=True)

    html = _page(response)
    intervention = Intervention.objects.get()
    assert response.redirect_chain[-1][0] == url("intervention_detail", intervention.pk)
    assert "The person will be 16 at the start. The treatment programme is for 18–34-year-olds" in html


def test_the_case_start_page_is_for_the_team_of_an_open_case(signed_in: ClientFor, people: dict[str, User],
                                                             case: Case) -> None:
    grant_break_glass(case, people["ida"])
    assert signed_in("ida").get(url("case_start", case.pk)).status_code == 403
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert signed_in("carl").get(url("case_start", case.pk)).status_code == 403


# --- advice consultations -------------------------------------------------------------------------

ADVICE = {"advice_for": AdviceFor.NEXT_OF_KIN, "started_on": str(TODAY), "duration_minutes": "45",
          "description": "A mother called, worried about her son's new friends."}


def test_an_anonymous_advice_consultation_creates_no_person_and_no_case_and_is_counted(
        signed_in: ClientFor) -> None:
    client = signed_in("mads")
    people_before, cases_before = Person.objects.count(), Case.objects.count()

    response = client.post(url("advice_new"), ADVICE)

    assert response.status_code == 302
    assert (Person.objects.count(), Case.objects.count()) == (people_before, cases_before)
    advice = Intervention.objects.get()
    assert advice.case is None and advice.anonymous and advice.advice_for == AdviceFor.NEXT_OF_KIN
    html = _page(client.get(url("my_interventions")))
    counts = html[html.index('data-testid="advice-counts"'):]
    assert re.search(r'data-advice-for="next_of_kin"><th scope="row">Next of kin</th><td>1</td><td>0</td>'
                     r'<td>1</td>', counts)
    # The colleague in the same municipality sees the same number; nobody elsewhere does.
    assert 'data-advice-for="next_of_kin"><th scope="row">Next of kin</th><td>1</td>' in _page(
        signed_in("carl").get(url("my_interventions")))
    assert 'data-advice-for="next_of_kin"><th scope="row">Next of kin</th><td>0</td>' in _page(
        signed_in("otto").get(url("my_interventions")))


def test_an_advice_consultation_over_24_hours_comes_back_at_the_field(signed_in: ClientFor) -> None:
    response = signed_in("mads").post(url("advice_new"), {**ADVICE, "duration_minutes": "1500"})

    html = _page(response, 400)
    assert _field_error(html, "duration_minutes") == "A session cannot last more than 24 hours (1440 minutes)."
    assert escape(ADVICE["description"]) in html
    assert not Intervention.objects.exists()


def test_advice_on_a_case_needs_a_case_the_user_may_open(signed_in: ClientFor, people: dict[str, User],
                                                         case: Case) -> None:
    outside = make_case(lead=people["otto"])
    client = signed_in("mads")

    refused = client.post(url("advice_new"), {**ADVICE, "on_case": "on", "case_reference": outside.reference})
    html = _page(refused, 400)
    assert _field_error(html, "case_reference") == "There is no case with this reference that you may open."
    assert f'value="{outside.reference}"' in html

    missing = client.post(url("advice_new"), {**ADVICE, "case_reference": case.reference})
    assert "An anonymous consultation names no case" in _field_error(_page(missing, 400), "case_reference")

    assert client.post(url("advice_new"), {**ADVICE, "on_case": "on",
                                           "case_reference": case.reference}).status_code == 302
    assert Intervention.objects.get().case == case


# --- the intervention's page ----------------------------------------------------------------------

def test_session_notes_show_only_in_the_readers_compartments(signed_in: ClientFor, mentoring: Intervention,
                                                             people: dict[str, User]) -> None:
    make_session(mentoring, logged_by=people["signe"], compartment="health", notes="Sleeps badly; new medication.",
                 family="Mother", professionals="Psychiatrist")
    make_session(mentoring, held_on=TODAY - timedelta(days=1), notes="Talked about football.")

    as_mads = _page(signed_in("mads").get(url("intervention_detail", mentoring.pk)))
    as_signe = _page(signed_in("signe").get(url("intervention_detail", mentoring.pk)))

    assert "Sleeps badly" not in as_mads and "Psychiatrist" not in as_mads
    assert "Notes in a compartment you do not see." in as_mads and "Talked about football." in as_mads
    assert "Sleeps badly; new medication." in as_signe and "Psychiatrist" in as_signe
    assert "Notes in a compartment you do not see." not in as_signe


def test_sessions_are_listed_newest_first(signed_in: ClientFor, mentoring: Intervention) -> None:
    make_session(mentoring, held_on=TODAY - timedelta(days=5), notes="Older session.")
    make_session(mentoring, held_on=TODAY - timedelta(days=1), notes="Newer session.")

    html = _page(signed_in("carl").get(url("intervention_detail", mentoring.pk)))

    assert html.index("Newer session.") < html.index("Older session.")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_intervention_page_queries_do_not_grow(signed_in: ClientFor, mentoring: Intervention,
                                                   people: dict[str, User], case: Case, rows: int,
                                                   django_assert_max_num_queries: Any) -> None:
    client = signed_in("mads")
    brother = NetworkMember.objects.create(person=case.person, name="Ali", relation="brother")
    for n in range(rows):
        goal = make_goal(mentoring)
        session = make_session(mentoring, compartment="health" if n % 3 == 0 else "general",
                               held_on=TODAY - timedelta(days=n % 20))
        session.goals.add(goal)
        session.network.add(brother)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        html = _page(client.get(url("intervention_detail", mentoring.pk)))

    assert html.count('data-testid="session"') == rows


def test_writers_get_the_actions_and_break_the_glass_only_reads(signed_in: ClientFor, people: dict[str, User],
                                                                case: Case, mentoring: Intervention) -> None:
    goal = make_goal(mentoring)
    grant_break_glass(case, people["ida"])

    as_carl = _page(signed_in("carl").get(url("intervention_detail", mentoring.pk)))
    as_ida = _page(signed_in("ida").get(url("intervention_detail", mentoring.pk)))

    for link in (url("session_add", mentoring.pk), url("goal_add", mentoring.pk),
                 url("goal_edit", mentoring.pk, goal.pk), url("intervention_end", mentoring.pk)):
        assert link in as_carl and link not in as_ida
    assert signed_in("ida").get(url("session_add", mentoring.pk)).status_code == 403


def test_the_lending_is_shown_and_linked_only_for_a_side_of_it(signed_in: ClientFor, people: dict[str, User],
                                                              case: Case) -> None:
    request = make_lending(case=case, lending_organisation=org("Randers"), status=LendingRequest.Status.ACCEPTED,
                           offered_mentor=make_profile(people["otto"], org("Randers")))
    assert request.intervention is not None
    TeamMember.objects.create(case=case, user=people["otto"], organisation=org("Randers"), role=Role.MENTOR,
                              compartments="general")
    link = f'href="{reverse("interventions:lending_detail", args=[request.pk])}"'

    as_carl = _page(signed_in("carl").get(url("intervention_detail", request.intervention.pk)))
    as_otto = _page(signed_in("otto").get(url("intervention_detail", request.intervention.pk)))

    assert request.reference in as_carl and link in as_carl and "Randers Kommune (demo)" in as_carl
    assert request.reference in as_otto and link not in as_otto


def test_an_outsider_gets_404(signed_in: ClientFor, mentoring: Intervention) -> None:
    assert signed_in("otto").get(url("intervention_detail", mentoring.pk)).status_code == 404


# --- goals ------------------------------------------------------------------------------------------

def test_a_goal_without_a_date_comes_back_at_the_field_with_what_was_typed(signed_in: ClientFor,
                                                                          mentoring: Intervention) -> None:
    response = signed_in("mads").post(url("goal_add", mentoring.pk), {
        "what": "Goes to school every day.", "how_we_know": "The school reports absence."})

    html = _page(response, 400)
    assert _field_error(html, "by_when") == "Give the goal a target date: a goal without a date cannot be followed up."
    assert "Goes to school every day." in html and "The school reports absence." in html
    assert not Goal.objects.exists()


def test_the_goal_form_offers_the_lines_of_the_signed_bra(signed_in: ClientFor, people: dict[str, User],
                                                         case: Case, mentoring: Intervention) -> None:
    version = published(json.loads(BRA_FILE.read_text()))
    bra = make_assessment(version=version, author=people["carl"], case=case, signed=True,
                          answers={"goals": ["Back in school by the summer"], "next-steps": ["Meet the teacher"]})
    make_assessment(version=version, author=people["carl"], case=case, answers={"goals": ["A draft line"]})
    client = signed_in("mads")

    html = _page(client.get(url("goal_add", mentoring.pk)))
    assert "Back in school by the summer" in html and "Meet the teacher" in html and "A draft line" not in html

    response = client.post(url("goal_add", mentoring.pk), {
        "from_line": f"{bra.pk}:goals:0", "what": "", "by_when": str(TODAY + timedelta(days=90)),
        "how_we_know": "The school says so."})
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.what == "Back in school by the summer" and goal.from_assessment == bra


def test_a_goal_status_is_changed(signed_in: ClientFor, mentoring: Intervention) -> None:
    goal = make_goal(mentoring, what="Joins the football club.")

    response = signed_in("carl").post(url("goal_edit", mentoring.pk, goal.pk), {
        "status": Goal.Status.ACHIEVED, "what": goal.what, "by_when": str(goal.by_when),
        "how_we_know": goal.how_we_know})

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED


def test_a_goal_of_another_intervention_is_404(signed_in: ClientFor, case: Case, people: dict[str, User],
                                               mentoring: Intervention) -> None:
    other = make_goal(make_intervention(case=case, provider_user=people["mads"]))

    assert signed_in("carl").get(url("goal_edit", mentoring.pk, other.pk)).status_code == 404


# --- sessions ---------------------------------------------------------------------------------------

SESSION = {"held_on": str(TODAY), "duration_minutes": "60", "mode": "walk", "with_person": "on",
           "notes": "A long walk; talked about the future.", "compartment": "general"}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"duration_minutes": "1441"}, "duration_minutes", "A session cannot last more than 24 hours (1440 minutes)."),
    ({"held_on": str(TODAY - timedelta(days=21))}, "held_on",
     f"The session cannot be before the intervention began ({TODAY - timedelta(days=20):%Y-%m-%d})."),
    ({"compartment": "health"}, "compartment", "Select a valid choice. health is not one of the available choices."),
    ({"next_appointment": str(TODAY - timedelta(days=1))}, "next_appointment",
     "The next appointment cannot be before the session."),
])
def test_a_refused_session_comes_back_at_the_field_with_what_was_typed(signed_in: ClientFor,
                                                                      mentoring: Intervention,
                                                                      changes: dict[str, str], field: str,
                                                                      message: str) -> None:
    response = signed_in("mads").post(url("session_add", mentoring.pk), {**SESSION, **changes})

    html = _page(response, 400)
    assert _field_error(html, field) == escape(message)
    assert "A long walk; talked about the future." in html
    assert re.search(r'value="walk"[^>]* checked', html)
    assert not Session.objects.exists()


def test_a_session_is_logged(signed_in: ClientFor, mentoring: Intervention, people: dict[str, User]) -> None:
    goal = make_goal(mentoring)

    response = signed_in("mads").post(url("session_add", mentoring.pk), {
        **SESSION, "goals": [str(goal.pk)], "next_appointment": str(TODAY + timedelta(days=7))})

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.mode == "walk" and list(session.goals.all()) == [goal]
    assert session.next_appointment == TODAY + timedelta(days=7) and session.logged_by == people["mads"]


def test_the_health_compartment_is_offered_to_signe_only(signed_in: ClientFor, mentoring: Intervention) -> None:
    assert 'value="health"' in _page(signed_in("signe").get(url("session_add", mentoring.pk)))
    assert 'value="health"' not in _page(signed_in("mads").get(url("session_add", mentoring.pk)))


# --- ending -----------------------------------------------------------------------------------------

def test_ending_without_a_reason_comes_back_and_ending_shows_on_the_timeline(signed_in: ClientFor,
                                                                             case: Case,
                                                                             mentoring: Intervention) -> None:
    client = signed_in("carl")

    refused = client.post(url("intervention_end", mentoring.pk), {"ended_on": str(TODAY), "outcome": "goals_met"})
    html = _page(refused, 400)
    assert _field_error(html, "outcome_reason") == "Say why the intervention ends."
    assert 'value="goals_met" selected' in html

    response = client.post(url("intervention_end", mentoring.pk), {
        "ended_on": str(TODAY), "outcome": "goals_met", "outcome_reason": "Back in school."})
    assert response.status_code == 302
    mentoring.refresh_from_db()
    assert mentoring.status == Intervention.Status.ENDED
    case_page = _page(client.get(reverse("cases:case_detail", args=[case.pk])))
    assert "Mentoring ended on" in case_page and "Back in school." in case_page
    assert Note.objects.filter(case=case).count() == 1
    # Ended: no more sessions.
    assert client.get(url("session_add", mentoring.pk)).status_code == 302


# --- the provider's list ---------------------------------------------------------------------------

def test_my_interventions_put_overdue_follow_ups_first(signed_in: ClientFor, people: dict[str, User],
                                                       case: Case) -> None:
    on_time = make_intervention(case=case, provider_user=people["mads"], description="on time")
    make_session(on_time, held_on=TODAY - timedelta(days=3), next_appointment=TODAY + timedelta(days=4))
    overdue = make_intervention(case=make_case(lead=people["carl"], team={people["mads"]: "general"}),
                                provider_user=people["mads"], kind=K.EXIT_TALKS)
    make_session(overdue, held_on=TODAY - timedelta(days=20), next_appointment=TODAY - timedelta(days=6))
    caught_up = make_intervention(case=case, provider_user=people["mads"], kind=K.CONCERN_CONVERSATION)
    make_session(caught_up, held_on=TODAY - timedelta(days=20), next_appointment=TODAY - timedelta(days=10))
    make_session(caught_up, held_on=TODAY - timedelta(days=2))
    make_intervention(case=case, provider_user=people["mads"], status=Intervention.Status.ENDED)
    make_intervention(case=case, provider_user=people["signe"], kind=K.TREATMENT_REFERRAL)

    html = _page(signed_in("mads").get(url("my_interventions")))

    table = html[html.index('data-testid="my-interventions"'):html.index('id="advice"')]
    links = re.findall(r'href="/desk/interventions/(\d+)/"', table)
    assert links[0] == str(overdue.pk) and set(links) == {str(on_time.pk), str(overdue.pk), str(caught_up.pk)}
    assert table.count('data-testid="overdue"') == 1


def test_my_interventions_leave_out_cases_the_provider_is_no_longer_on(signed_in: ClientFor,
                                                                       people: dict[str, User],
                                                                       case: Case) -> None:
    intervention = make_intervention(case=case, provider_user=people["mads"])
    TeamMember.objects.filter(case=case, user=people["mads"]).update(is_active=False)

    html = _page(signed_in("mads").get(url("my_interventions")))

    assert url("intervention_detail", intervention.pk) not in html and case.reference not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_my_interventions_queries_do_not_grow(signed_in: ClientFor, people: dict[str, User], rows: int,
                                              django_assert_max_num_queries: Any) -> None:
    client = signed_in("mads")
    for n in range(rows):
        i = make_intervention(case=make_case(lead=people["carl"], team={people["mads"]: "general"}),
                              provider_user=people["mads"])
        make_session(i, next_appointment=TODAY + timedelta(days=n - 10))
        make_intervention(case=None, provider_user=people["mads"],
                          advice_for=AdviceFor.PROFESSIONAL if n % 2 else AdviceFor.NEXT_OF_KIN, started_on=TODAY)

    with django_assert_max_num_queries(MINE_QUERIES):
        html = _page(client.get(url("my_interventions")))

    table = html[html.index('data-testid="my-interventions"'):html.index('id="advice"')]
    assert len(re.findall(r'href="/desk/interventions/\d+/"', table)) == rows


# --- the case page's panel ---------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [3, 30])
def test_the_case_panel_lists_the_interventions_in_one_query(signed_in: ClientFor, people: dict[str, User],
                                                             case: Case, rows: int,
                                                             django_assert_max_num_queries: Any) -> None:
    client = signed_in("carl")
    page = reverse("cases:case_detail", args=[case.pk])
    client.get(page)
    with CaptureQueriesContext(connection) as without:
        client.get(page)
    for n in range(rows):
        make_intervention(case=case, provider_user=people["mads"] if n % 2 else None,
                          provider_organisation=org("Foreningen") if n % 2 == 0 else None)

    with django_assert_max_num_queries(len(without.captured_queries)):
        html = _page(client.get(page))

    panel = html[html.index('id="interventions"'):]
    assert panel.count('href="/desk/interventions/') == rows
    assert url("case_start", case.pk) in panel


def test_break_the_glass_sees_the_panel_without_the_start_button(signed_in: ClientFor, people: dict[str, User],
                                                                case: Case, mentoring: Intervention) -> None:
    grant_break_glass(case, people["ida"])

    html = _page(signed_in("ida").get(reverse("cases:case_detail", args=[case.pk])))

    assert url("intervention_detail", mentoring.pk) in html and url("case_start", case.pk) not in html
