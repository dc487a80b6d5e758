"""Each named person lands on the start page of their role, with lists that say what will
appear in them."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.html import escape

from infohus.accounts.models import Membership, User
from infohus.accounts.people import PEOPLE
from infohus.accounts.roles import Role
from infohus.core.start_pages import filled_sections, start_page_for

# Title and the first empty-list text of each person's page, written out by hand.
EXPECTED: dict[str, tuple[str, str]] = {
    "rasmus": ("Your concerns", "The concerns you report will appear here with their status."),
    "rikke": ("Concerns in your institution", "Concerns from staff in your institution will appear here first."),
    "ida": ("Info house", "New concerns will appear here, the most urgent and oldest first."),
    "carl": ("Your cases", "The cases whose team you are on will appear here."),
    "rita": ("Your cases", "The cases whose team you are on will appear here."),
    "per": ("Police liaison", "Concerns for the Info house triage will appear here."),
    "signe": ("Psychiatry liaison", "Cases whose team you are on will appear here."),
    "mads": ("Your mentoring", "The courses of mentoring you provide will appear here."),
    "otto": ("Your mentoring", "The courses of mentoring you provide will appear here."),
    "pia": ("Your coaching", "The courses of parent coaching you provide will appear here."),
    "morten": ("Mentor coaching", "The mentors you supervise will appear here."),
    "tina": ("Training", "The course runs you plan will appear here."),
    "kamal": ("Community work", "Needs and worries that ambassadors report will appear here, new ones first."),
    "yasmin": ("Your ambassador work",
               "What you report about your peer group will appear here, with what happens next."),
    "dorte": ("Practice network", "Proposals sent through “Get involved” will appear here."),
    "anders": ("Statistics", "Concerns, triage, cases, interventions, mentor lending, training and community work, "
                             "with small numbers hidden."),
    "dina": ("Data protection", "Emergency access to records will appear here for your review."),
    "sofie": ("Administration", "New users and membership changes will appear here."),
}

# Queries of the start page for a signed-in person (without a shared cache the session is
# read from the database): 1 session, 2 user, 3 OTP device of the session, 4 memberships with
# their organisations, 5-7 session save (savepoint, update, release). Nothing depends on how
# many people or organisations there are.
START_QUERIES = 7


def test_every_person_has_an_expectation() -> None:
    assert set(EXPECTED) == {p.username for p in PEOPLE}


@pytest.mark.parametrize("username", [p.username for p in PEOPLE])
def test_each_person_lands_on_their_own_start_page(signed_in: Callable[[str], Client], username: str) -> None:
    title, first_empty_text = EXPECTED[username]

    response = signed_in(username).get("/desk/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{escape(title)} · Infohus</title>" in html
    assert f"<h1>{escape(title)}</h1>" in html
    assert f'<p class="empty-list">{escape(first_empty_text)}</p>' in html


@pytest.mark.parametrize("username", [p.username for p in PEOPLE])
def test_every_section_says_what_will_appear(
    signed_in: Callable[[str], Client], people: dict[str, User], username: str
) -> None:
    page = start_page_for(Membership.objects.filter(user=people[username]).first())

    html = signed_in(username).get("/desk/").content.decode()

    assert html.count('class="empty-list"') == len(page.sections) >= 1
    for section in page.sections:
        assert escape(str(section.title)) in html
        assert escape(str(section.empty)) in html


def test_the_page_says_in_which_role_and_organisation(signed_in: Callable[[str], Client]) -> None:
    html = signed_in("mads").get("/desk/").content.decode()

    assert "You are working as Mentor for Aarhus Kommune (demo)." in html


def test_only_the_dpo_gets_the_audit_button(signed_in: Callable[[str], Client]) -> None:
    assert b'href="/audit/"' in signed_in("dina").get("/desk/").content
    assert b'href="/audit/"' not in signed_in("ida").get("/desk/").content


def test_only_the_administrator_gets_the_admin_button(signed_in: Callable[[str], Client]) -> None:
    assert b'href="/admin/"' in signed_in("sofie").get("/desk/").content
    assert b'href="/admin/"' not in signed_in("dina").get("/desk/").content


def test_every_role_has_a_start_page() -> None:
    from infohus.core.start_pages import _PAGES

    assert set(_PAGES) == set(Role)


def test_a_person_without_membership_is_told_to_ask_for_one(db: None) -> None:
    User.objects.create_user("newcomer", password="a long enough password")
    client = Client()
    client.post("/accounts/sign-in/", {"username": "newcomer", "password": "a long enough password"})

    html = client.get("/desk/").content.decode()

    assert "<h1>Welcome</h1>" in html
    assert "You have no membership of an organisation yet. Ask your administrator to add you." in html


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/desk/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/desk/"


@pytest.mark.parametrize("username", ["ida", "carl", "anders", "sofie"])
def test_query_count_is_pinned(
    signed_in: Callable[[str], Client], username: str, django_assert_num_queries: Callable[..., object]
) -> None:
    people_roles = {p.username: p.role for p in PEOPLE}
    client = signed_in(username)
    client.get("/desk/")  # warm the session cache, as in a running site

    # plus one query for each section whose work exists (see start_pages.filled_sections)
    role = people_roles[username]
    with django_assert_num_queries(START_QUERIES + filled_sections(role)):  # type: ignore[attr-defined]
        response = client.get("/desk/")

    assert response.status_code == 200


def test_directory_editor_sees_pending_proposals_with_links(
    signed_in: Callable[[str], Client], django_assert_num_queries: Callable[..., object]
) -> None:
    from infohus.directory.tests.moderation_helpers import make_submission

    client = signed_in("dorte")
    first = make_submission(title="Samtaler på tværs")
    html = client.get("/desk/").content.decode()
    assert f'href="/network/moderation/{first.pk}/"' in html
    assert "Proposals sent through" not in html  # the empty text gives way to the list

    for n in range(5):
        make_submission(title=f"Projekt {n}")
    # The pending proposals are one more query, however many there are.
    with django_assert_num_queries(START_QUERIES + 1):  # type: ignore[attr-defined]
        html = client.get("/desk/").content.decode()
    assert "Projekt 4" in html


def test_data_protection_officer_sees_break_the_glass_openings(
    signed_in: Callable[[str], Client], people: dict[str, object], django_assert_num_queries: Callable[..., object]
) -> None:
    from infohus.cases.tests.factories import grant_break_glass, make_case

    dina = signed_in("dina")
    case = make_case(lead=people["carl"])  # type: ignore[arg-type]
    grant_break_glass(case, people["ida"])  # type: ignore[arg-type]
    html = dina.get("/desk/").content.decode()
    assert f"Ida Holmsted · {case.reference}" in html
    assert 'href="/desk/break-the-glass/"' in html

    for _ in range(3):
        grant_break_glass(make_case(lead=people["carl"]), people["per"])  # type: ignore[arg-type]
    with django_assert_num_queries(START_QUERIES + filled_sections(Role.DATA_PROTECTION_OFFICER)):  # type: ignore[attr-defined]
        dina.get("/desk/")


def test_data_protection_officer_sees_research_waiting_holds_and_runs(
    signed_in: Callable[[str], Client], people: dict[str, User], django_assert_num_queries: Callable[..., object]
) -> None:
    from datetime import date

    from infohus.cases.tests.factories import make_person
    from infohus.insights.models import ResearchProject
    from infohus.privacy.models import LegalHold, RetentionRun

    def propose(title: str, status: str = ResearchProject.Status.PROPOSED) -> ResearchProject:
        return ResearchProject.objects.create(
            title=title, purpose="p", researchers="r", period_start=date(2024, 1, 1), period_end=date(2025, 1, 1),
            proposed_by=people["anders"], status=status)

    waiting = propose("Early intervention study")
    propose("Already approved study", ResearchProject.Status.APPROVED)
    person = make_person("Hold", "Person")
    LegalHold.objects.create(person=person, reason="A complaint", reference="J.nr. 2026-17", placed_by=people["dina"])
    run = RetentionRun.objects.create(dry_run=True, status=RetentionRun.Status.DONE)
    dina = signed_in("dina")

    html = dina.get("/desk/").content.decode()

    assert f'href="/desk/insights/research/{waiting.pk}/">Early intervention study</a>' in html
    assert "Already approved study" not in html
    assert "J.nr. 2026-17" in html
    assert "Hold Person" not in html  # the start page names no one; the holds page does
    assert f'href="/privacy/retention/runs/{run.pk}/"' in html
    assert "dry run · Done" in html
    for n in range(3):
        propose(f"Study {n}")
        LegalHold.objects.create(person=make_person("Other", str(n)), reason="r", placed_by=people["dina"])
        RetentionRun.objects.create(status=RetentionRun.Status.DONE)
    with django_assert_num_queries(START_QUERIES + filled_sections(Role.DATA_PROTECTION_OFFICER)):  # type: ignore[attr-defined]
        dina.get("/desk/")


def test_analyst_sees_the_status_of_research_projects(
    signed_in: Callable[[str], Client], people: dict[str, User]
) -> None:
    from datetime import date

    from infohus.insights.models import ResearchProject

    project = ResearchProject.objects.create(
        title="Treatment outcomes", purpose="p", researchers="r", period_start=date(2024, 1, 1),
        period_end=date(2025, 1, 1), proposed_by=people["anders"], status=ResearchProject.Status.REFUSED)

    html = signed_in("anders").get("/desk/").content.decode()

    assert f'href="/desk/insights/research/{project.pk}/">Treatment outcomes · Refused</a>' in html
    assert 'href="/desk/insights/"' in html
