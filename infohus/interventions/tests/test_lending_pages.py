"""The lending pages in the browser: the lists, a new request from a case, one request from each
side with each step, and the lending panel of the case page.

Aarhus (carl leads the case of "Yusuf Kilde") borrows from Randers (rita answers; otto is
Randers's mentor). The lending side never sees the case reference or the person's name: every
page of theirs is checked for both. A refused step answers 400 with the message and changes
nothing.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.cases.models import Case, TeamMember
from infohus.cases.tests.factories import make_case, make_person
from infohus.interventions.models import Intervention, LendingRequest, MentorProfile
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile, make_session

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
S = LendingRequest.Status
TODAY = timezone.localdate()


def org(prefix: str) -> Organisation:
    return Organisation.objects.get(name__startswith=prefix)


def url(name: str, *args: int) -> str:
    return reverse(f"interventions:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    return make_case(lead=people["carl"], person=make_person("Yusuf", "Kilde", identifier="1203041234"),
                     team={people["mads"]: "general"})


@pytest.fixture
def otto(people: dict[str, User]) -> MentorProfile:
    return make_profile(people["otto"], languages="da,ar,en", age_groups="young_adults", prison_work=True)


def mentor_of_randers(username: str, **fields: Any) -> MentorProfile:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name="Randersen")
    Membership.objects.create(user=user, organisation=org("Randers"), role=Role.MENTOR)
    return make_profile(user, **fields)


def request_to_randers(case: Case, status: str = S.SENT, **fields: Any) -> LendingRequest:
    fields.setdefault("needs", {"languages": ["ar"], "age_group": "young_adults", "prison_work": True})
    fields.setdefault("summary", "A young man, soon released, needs a mentor who speaks Arabic.")
    return make_lending(case=case, lending_organisation=org("Randers"), status=status, **fields)


def assert_nothing_of_the_case(page: str, case: Case) -> None:
    assert case.reference not in page
    assert "Yusuf" not in page and "Kilde" not in page
    assert reverse("cases:case_detail", args=[case.pk]) not in page


# --- the lists -------------------------------------------------------------------------------------

def test_each_side_sees_its_requests_with_those_waiting_for_it_first(
        signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    oldest = request_to_randers(case)
    offered = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    newest = request_to_randers(case)

    carl = signed_in("carl").get(url("lending_list"))
    assert [r.pk for r in carl.context["borrowed"]] == [offered.pk, newest.pk, oldest.pk]
    assert list(carl.context["to_lend"]) == []
    assert case.reference in page_of(carl)

    rita = signed_in("rita").get(url("lending_list"))
    assert [r.pk for r in rita.context["to_lend"]] == [newest.pk, oldest.pk, offered.pk]
    assert list(rita.context["borrowed"]) == []
    html = page_of(rita)
    assert html.count('data-testid="waiting"') == 2 and "Aarhus Kommune (demo)" in html
    assert_nothing_of_the_case(html, case)


def test_the_lists_are_paged_each_on_its_own(signed_in: ClientFor, case: Case) -> None:
    for _ in range(26):
        request_to_randers(case)
    carl = signed_in("carl")
    first = carl.get(url("lending_list"))
    assert len(first.context["borrowed"]) == 25
    assert 'href="?sent_page=2"' in page_of(first)
    second = carl.get(url("lending_list") + "?sent_page=2&to_lend_page=1")
    assert len(second.context["borrowed"]) == 1
    assert 'href="?to_lend_page=1&amp;sent_page=1"' in page_of(second)


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# Signed in: the session, the user, the OTP device, the memberships; saving the session at the end
# (savepoint, update, release).
SIGNED_IN = 4 + 3
# The list: for each of the two lists the paginator's count and its page of rows.
LIST_QUERIES = SIGNED_IN + 4


def test_the_list_queries_do_not_grow_with_the_requests(
        signed_in: ClientFor, case: Case, otto: MentorProfile, django_assert_max_num_queries: Any) -> None:
    for status in (S.SENT, S.OFFERED, S.DECLINED):
        request_to_randers(case, status, offered_mentor=otto if status == S.OFFERED else None)
    rita, carl = signed_in("rita"), signed_in("carl")
    few = {who: _count(client, url("lending_list")) for who, client in (("rita", rita), ("carl", carl))}
    for _ in range(27):
        request_to_randers(case)
    for who, client in (("rita", rita), ("carl", carl)):
        with django_assert_max_num_queries(LIST_QUERIES):
            client.get(url("lending_list"))
        assert _count(client, url("lending_list")) == few[who]


# --- a new request ---------------------------------------------------------------------------------

NEW = {"lending_organisation": "", "corps_role": "mentor", "languages": "ar, en", "age_group": "young_adults",
       "extremism_kind": "religious", "gender": "male", "prison_work": "on",
       "summary": "A young man, 19, soon released, needs a mentor who speaks Arabic.", "hours_per_month": "6"}


def new_request(**changes: Any) -> dict[str, Any]:
    return {**NEW, "lending_organisation": org("Randers").pk, **changes}


def test_the_new_request_page_offers_the_other_municipalities(signed_in: ClientFor, case: Case) -> None:
    html = page_of(signed_in("carl").get(url("lending_new", case.pk)))
    assert f'<option value="{org("Randers").pk}">Randers Kommune (demo)</option>' in html
    assert f'<option value="{org("Odder").pk}">' in html
    assert f'value="{org("Aarhus").pk}"' not in html
    assert "No names, addresses, identifiers or other details that identify the person" in html
    assert 'name="send_anyway"' not in html
    assert reverse("cases:case_detail", args=[case.pk]) in html


def test_sending_a_request_opens_it(signed_in: ClientFor, case: Case) -> None:
    response = signed_in("carl").post(url("lending_new", case.pk), new_request(), follow=True)
    request = LendingRequest.objects.get()
    assert response.redirect_chain == [(url("lending_detail", request.pk), 302)]
    assert (request.case, request.lending_organisation, request.status, request.hours_per_month) == (
        case, org("Randers"), S.SENT, 6)
    assert request.needs == {"languages": ["ar", "en"], "age_group": "young_adults", "extremism_kind": "religious",
                             "gender": "male", "prison_work": True}
    assert f"The request {request.reference} was sent to Randers Kommune (demo)." in page_of(response)


def test_asking_ones_own_municipality_is_refused_at_the_field_even_when_forged(signed_in: ClientFor,
                                                                               case: Case) -> None:
    html = page_of(signed_in("carl").post(url("lending_new", case.pk),
                                          new_request(lending_organisation=org("Aarhus").pk)), 400)
    assert 'id="id_lending_organisation_error">A municipality cannot borrow from itself.' in html
    assert "A young man, 19, soon released" in html  # nothing typed is lost
    assert not LendingRequest.objects.exists()


@pytest.mark.parametrize("summary, found", [
    ("Yusuf needs a mentor who speaks Arabic.", "the first name"),
    ("The KILDE family asks for help.", "the last name"),
    ("His CPR is 120304-1234.", "the national identifier"),
])
def test_a_summary_that_names_the_person_is_refused_once_with_a_warning(signed_in: ClientFor, case: Case,
                                                                        summary: str, found: str) -> None:
    carl = signed_in("carl")
    html = page_of(carl.post(url("lending_new", case.pk), new_request(summary=summary)), 400)
    assert f'id="id_summary_error">The summary seems to contain {found} of the person.' in html
    assert 'type="checkbox" name="send_anyway"' in html
    assert summary.split()[0] in html
    assert not LendingRequest.objects.exists()
    response = carl.post(url("lending_new", case.pk), new_request(summary=summary, send_anyway="on"))
    assert response.status_code == 302
    assert LendingRequest.objects.get().summary == summary


def test_a_summary_without_the_person_passes_without_a_warning(signed_in: ClientFor, case: Case) -> None:
    # "Kildevej" holds the last name only as part of a longer word.
    response = signed_in("carl").post(url("lending_new", case.pk),
                                      new_request(summary="He meets friends near Kildevej."))
    assert response.status_code == 302


@pytest.mark.parametrize("changes, field, message", [
    ({"languages": "ar, klingon"}, "languages", "Not a language code: klingon."),
    ({"summary": ""}, "summary", "This field is required."),
    ({"lending_organisation": ""}, "lending_organisation", "This field is required."),
    ({"hours_per_month": "0"}, "hours_per_month", "Ensure this value is greater than or equal to 1."),
])
def test_bad_input_comes_back_at_its_field(signed_in: ClientFor, case: Case, changes: dict[str, str], field: str,
                                           message: str) -> None:
    html = page_of(signed_in("carl").post(url("lending_new", case.pk), new_request(**changes)), 400)
    assert f'id="id_{field}_error">{message}' in html
    assert 'class="alert alert-error error-summary"' in html
    assert not LendingRequest.objects.exists()


def test_only_the_case_managers_of_the_case_may_ask(signed_in: ClientFor, case: Case) -> None:
    assert signed_in("mads").get(url("lending_new", case.pk)).status_code == 403  # a mentor on the team
    assert signed_in("rita").get(url("lending_new", case.pk)).status_code == 404  # not on the team
    assert signed_in("rita").post(url("lending_new", case.pk), new_request()).status_code == 404
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    response = signed_in("carl").get(url("lending_new", case.pk), follow=True)
    assert response.redirect_chain == [(reverse("cases:case_detail", args=[case.pk]), 302)]
    assert "The case is closed. Reopen it first." in page_of(response)
    assert not LendingRequest.objects.exists()


# --- one request, from each side ------------------------------------------------------------------------

def test_the_lending_side_sees_the_needs_and_its_corps_but_nothing_of_the_case(
        signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    untrained = mentor_of_randers("rolf", accredited_on=None, accreditation_expires_on=None)
    request = request_to_randers(case)
    html = page_of(signed_in("rita").get(url("lending_detail", request.pk)))
    assert "A young man, soon released, needs a mentor who speaks Arabic." in html
    assert "<dt>Languages</dt><dd>Arabic</dd>" in html and "Experience of prison work needed" in html
    assert "Aarhus Kommune (demo)" in html
    assert f'<option value="{otto.pk}">Otto Rimmen: can be assigned (0 of 2 courses)</option>' in html
    assert f'<option value="{untrained.pk}">Rolf Randersen: Rolf Randersen has not completed the method training.' \
           in html
    assert "Speaks Arabic; Works with young adults (18–29); Has worked in prisons" in html
    assert 'name="reason"' in html  # decline
    assert url("lending_accept", request.pk) not in html and url("lending_withdraw", request.pk) not in html
    assert_nothing_of_the_case(html, case)


def test_the_borrowing_side_sees_its_case_and_can_withdraw(signed_in: ClientFor, case: Case) -> None:
    request = request_to_randers(case)
    html = page_of(signed_in("carl").get(url("lending_detail", request.pk)))
    assert f'<a href="{reverse("cases:case_detail", args=[case.pk])}">{case.reference}</a>' in html
    assert url("lending_withdraw", request.pk) in html
    assert url("lending_offer", request.pk) not in html and url("lending_decline", request.pk) not in html


def test_outsiders_get_404(signed_in: ClientFor, case: Case) -> None:
    request = request_to_randers(case)
    assert signed_in("morten").get(url("lending_detail", request.pk)).status_code == 404
    assert signed_in("ida").get(url("lending_detail", request.pk)).status_code == 404


def test_offering_a_mentor(signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    request = request_to_randers(case)
    response = signed_in("rita").post(url("lending_offer", request.pk), {"mentor": otto.pk}, follow=True)
    html = page_of(response)
    assert "Otto Rimmen was offered to Aarhus Kommune (demo)." in html
    assert 'data-testid="status">Mentor offered' in html
    assert_nothing_of_the_case(html, case)
    request.refresh_from_db()
    assert (request.status, request.offered_mentor) == (S.OFFERED, otto)


def test_offering_a_mentor_at_full_capacity_is_refused_at_the_field(signed_in: ClientFor, people: dict[str, User],
                                                                    case: Case, otto: MentorProfile) -> None:
    MentorProfile.objects.filter(pk=otto.pk).update(capacity=1)
    make_intervention(case=make_case(lead=people["rita"]), provider_user=people["otto"])
    request = request_to_randers(case)
    html = page_of(signed_in("rita").post(url("lending_offer", request.pk), {"mentor": otto.pk}), 400)
    assert 'id="id_mentor_error">Otto Rimmen is at full capacity (1 of 1 courses).' in html
    assert f'<option value="{otto.pk}" selected>' in html
    request.refresh_from_db()
    assert request.status == S.SENT


def test_offering_a_mentor_of_another_municipality_is_refused_when_forged(
        signed_in: ClientFor, people: dict[str, User], case: Case) -> None:
    mads = make_profile(people["mads"])
    request = request_to_randers(case)
    html = page_of(signed_in("rita").post(url("lending_offer", request.pk), {"mentor": mads.pk}), 400)
    assert 'id="id_mentor_error">Offer a mentor from your own municipality.' in html
    request.refresh_from_db()
    assert request.status == S.SENT


def test_an_offer_on_a_request_answered_meanwhile_shows_why_and_changes_nothing(
        signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    request = request_to_randers(case)
    rita = signed_in("rita")
    assert rita.post(url("lending_decline", request.pk), {"reason": "Nobody free."}).status_code == 302
    html = page_of(rita.post(url("lending_offer", request.pk), {"mentor": otto.pk}), 400)
    assert "This request is no longer waiting for an answer (it is now: Declined)." in html
    assert f'action="{url("lending_offer", request.pk)}"' not in html  # a step no longer possible is gone
    request.refresh_from_db()
    assert (request.status, request.offered_mentor) == (S.DECLINED, None)


def test_the_wrong_side_is_forbidden_each_step(signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    request = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    carl, rita = signed_in("carl"), signed_in("rita")
    assert carl.post(url("lending_offer", request.pk), {"mentor": otto.pk}).status_code == 403
    assert carl.post(url("lending_decline", request.pk), {"reason": "x"}).status_code == 403
    assert rita.post(url("lending_withdraw", request.pk)).status_code == 403
    assert rita.post(url("lending_accept", request.pk)).status_code == 403
    request.refresh_from_db()
    assert request.status == S.OFFERED


def test_declining_needs_a_reason_which_the_borrower_then_reads(signed_in: ClientFor, case: Case) -> None:
    request = request_to_randers(case)
    rita = signed_in("rita")
    html = page_of(rita.post(url("lending_decline", request.pk), {"reason": ""}), 400)
    assert 'id="id_reason_error">This field is required.' in html
    assert rita.post(url("lending_decline", request.pk), {"reason": "No mentor speaks Arabic."}).status_code == 302
    html = page_of(signed_in("carl").get(url("lending_detail", request.pk)))
    assert 'data-testid="decline-reason">No mentor speaks Arabic.' in html


def test_the_borrower_reads_the_offered_mentor_and_accepts(signed_in: ClientFor, people: dict[str, User],
                                                           case: Case, otto: MentorProfile) -> None:
    request = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    carl = signed_in("carl")
    html = page_of(carl.get(url("lending_detail", request.pk)))
    assert "<dt>Name</dt><dd>Otto Rimmen</dd>" in html
    assert "<dt>Languages</dt><dd>Danish, Arabic, English</dd>" in html
    assert f"<dt>Method training completed</dt><dd>{otto.accredited_on:%Y-%m-%d}</dd>" in html
    assert f"<dt>Accreditation valid until</dt><dd>{otto.accreditation_expires_on:%Y-%m-%d}</dd>" in html
    assert url("lending_accept", request.pk) in html and url("lending_withdraw", request.pk) in html

    html = page_of(carl.post(url("lending_accept", request.pk), follow=True))
    assert "The offer was accepted. Otto Rimmen is on the case team (general compartment)" in html
    request.refresh_from_db()
    assert request.status == S.ACCEPTED and request.intervention_id is not None
    assert url("intervention_detail", request.intervention_id) in html
    assert 'data-testid="hours-so-far">0.00' in html
    assert TeamMember.objects.get(case=case, user=people["otto"]).compartments == "general"


def test_accepting_a_request_withdrawn_meanwhile_shows_why_and_changes_nothing(
        signed_in: ClientFor, case: Case, otto: MentorProfile) -> None:
    request = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    carl = signed_in("carl")
    assert carl.post(url("lending_withdraw", request.pk)).status_code == 302
    html = page_of(carl.post(url("lending_accept", request.pk)), 400)
    assert "There is no offer to accept (the request is now: Withdrawn)." in html
    assert f'action="{url("lending_accept", request.pk)}"' not in html
    assert not Intervention.objects.exists()


def test_withdrawing(signed_in: ClientFor, case: Case) -> None:
    request = request_to_randers(case)
    html = page_of(signed_in("carl").post(url("lending_withdraw", request.pk), follow=True))
    assert "The request was withdrawn." in html and 'data-testid="status">Withdrawn' in html


def test_a_step_opened_by_get_goes_back_to_the_request(signed_in: ClientFor, case: Case) -> None:
    # After a refused step the page's address is the step's (the language switch returns there).
    request = request_to_randers(case)
    response = signed_in("carl").get(url("lending_accept", request.pk))
    assert (response.status_code, response["Location"]) == (302, url("lending_detail", request.pk))
    assert LendingRequest.objects.get().status == S.SENT


def _accepted(people: dict[str, User], case: Case, otto: MentorProfile) -> LendingRequest:
    request = request_to_randers(case, S.ACCEPTED, offered_mentor=otto)
    membership = Membership.objects.get(user=people["otto"])
    TeamMember.objects.create(case=case, user=people["otto"], organisation=membership.organisation,
                              role=membership.role, compartments="general")
    return request


def test_after_acceptance_the_lending_side_still_sees_nothing_of_the_case(
        signed_in: ClientFor, people: dict[str, User], case: Case, otto: MentorProfile) -> None:
    request = _accepted(people, case, otto)
    html = page_of(signed_in("rita").get(url("lending_detail", request.pk)))
    assert "<dt>Name</dt><dd>Otto Rimmen</dd>" in html and url("lending_end", request.pk) in html
    assert request.intervention_id is not None
    assert url("intervention_detail", request.intervention_id) not in html
    assert_nothing_of_the_case(html, case)


@pytest.mark.parametrize("who", ["carl", "rita"])
def test_either_side_ends_the_lending_with_a_reason(signed_in: ClientFor, people: dict[str, User], case: Case,
                                                    otto: MentorProfile, who: str) -> None:
    request = _accepted(people, case, otto)
    client = signed_in(who)
    html = page_of(client.post(url("lending_end", request.pk), {"reason": ""}), 400)
    assert 'id="id_reason_error">This field is required.' in html
    html = page_of(client.post(url("lending_end", request.pk), {"reason": "The course is over."}, follow=True))
    assert "The lending has ended. The mentor has left the case team" in html
    assert 'data-testid="end-reason">The course is over.' in html
    assert not TeamMember.objects.get(case=case, user=people["otto"]).is_active
    if who == "rita":
        assert_nothing_of_the_case(html, case)


def test_ending_a_lending_not_accepted_is_refused(signed_in: ClientFor, case: Case) -> None:
    request = request_to_randers(case)
    html = page_of(signed_in("carl").post(url("lending_end", request.pk), {"reason": "Done."}), 400)
    assert "Only an accepted lending can be ended." in html
    request.refresh_from_db()
    assert request.status == S.SENT


# The request (1) and which side the user is on (1 or 2 "exists"); the audit event: savepoint, the
# chain's last row, the insert, release (and PostgreSQL's advisory lock first); the corps members
# with their users, and their loads.
AUDIT_EVENT = 4 + (1 if connection.vendor == "postgresql" else 0)
DETAIL_QUERIES = SIGNED_IN + 3 + AUDIT_EVENT + 2


def test_the_detail_queries_do_not_grow_with_the_corps(
        signed_in: ClientFor, case: Case, otto: MentorProfile, django_assert_max_num_queries: Any) -> None:
    request = request_to_randers(case)
    rita = signed_in("rita")
    few = _count(rita, url("lending_detail", request.pk))
    for n in range(10):
        mentor_of_randers(f"mentor{n}")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        rita.get(url("lending_detail", request.pk))
    assert _count(rita, url("lending_detail", request.pk)) == few


@pytest.mark.parametrize("who", ["carl", "rita"])
def test_the_detail_queries_do_not_grow_with_the_hours(signed_in: ClientFor, people: dict[str, User], case: Case,
                                                       otto: MentorProfile, who: str,
                                                       django_assert_max_num_queries: Any) -> None:
    request = _accepted(people, case, otto)
    assert request.intervention is not None
    client = signed_in(who)
    make_session(request.intervention, duration_minutes=45, lending=request)
    few = _count(client, url("lending_detail", request.pk))
    for _ in range(30):
        make_session(request.intervention, duration_minutes=45, lending=request)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        html = page_of(client.get(url("lending_detail", request.pk)))
    assert 'data-testid="hours-so-far">23.25' in html  # 31 × 45 minutes
    assert _count(client, url("lending_detail", request.pk)) == few


# --- the case page's panel ------------------------------------------------------------------------------

def test_the_case_page_lists_the_requests_and_offers_to_borrow(signed_in: ClientFor, case: Case,
                                                               otto: MentorProfile) -> None:
    request = request_to_randers(case, S.OFFERED, offered_mentor=otto)
    html = page_of(signed_in("carl").get(reverse("cases:case_detail", args=[case.pk])))
    assert 'id="lending-heading"' in html
    assert f'<a href="{url("lending_detail", request.pk)}">{request.reference}</a>' in html
    assert "<td>Randers Kommune (demo)</td>" in html and "<td>Mentor offered</td>" in html
    assert f'href="{url("lending_new", case.pk)}">Borrow a mentor from another municipality' in html

    html = page_of(signed_in("mads").get(reverse("cases:case_detail", args=[case.pk])))
    assert request.reference in html
    assert url("lending_detail", request.pk) not in html and url("lending_new", case.pk) not in html


def test_the_panel_is_one_query_whatever_the_number_of_requests(signed_in: ClientFor, case: Case) -> None:
    carl = signed_in("carl")
    path = reverse("cases:case_detail", args=[case.pk])
    request_to_randers(case)
    few = _count(carl, path)
    for _ in range(5):
        request_to_randers(case)
    with CaptureQueriesContext(connection) as captured:
        html = page_of(carl.get(path))
    assert len(captured) == few
    assert sum("interventions_lendingrequest" in q["sql"] for q in captured.captured_queries) == 1
    # Each request's page, under /lending/<pk>/ (the menu links the list itself).
    assert len(re.findall(r'href="' + re.escape(url("lending_list")) + r'\d+/"', html)) == 6


def test_a_mentor_on_the_team_of_a_case_without_requests_sees_no_panel(signed_in: ClientFor, case: Case) -> None:
    html = page_of(signed_in("mads").get(reverse("cases:case_detail", args=[case.pk])))
    assert 'id="lending-heading"' not in html


def test_a_closed_case_offers_no_borrowing(signed_in: ClientFor, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    html = page_of(signed_in("carl").get(reverse("cases:case_detail", args=[case.pk])))
    assert 'id="lending-heading"' in html and url("lending_new", case.pk) not in html
