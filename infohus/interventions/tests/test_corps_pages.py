"""The mentor corps pages in the browser: who opens them, the search by needs with its words, the
entry page, and the forms of the mentor coaches (refused input comes back with a 400, the message
at its field and everything typed still there). Query counts are pinned and do not grow with the
number of mentors or supervision sessions. Nothing about a person of concern reaches the register."""

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
from infohus.cases.tests.factories import make_case, make_person
from infohus.interventions.models import CoachPairing, CorpsRole, MentorProfile, Supervision
from infohus.interventions.tests.factories import make_intervention, make_lending, make_profile

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request itself (session, user, second factor, memberships: 4; the session saved at the end:
# 3), the chosen municipality (1), the count and the page of entries (2), their loads (1), the
# audited listing (4, and PostgreSQL's advisory lock: 1) and the municipalities of the form (1).
LIST_QUERIES = 17
# The request (4 + 3), the entry and its audited read (1 + 4, +1 on PostgreSQL), the load (1), the
# latest supervisions and their count (2), the pairings (1).
PROFILE_QUERIES = 17


def url(name: str, *args: int) -> str:
    return reverse(f"interventions:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY, municipality_code=code)


def mentor(username: str, home: Organisation, **fields: Any) -> MentorProfile:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name="Test")
    Membership.objects.create(user=user, organisation=home, role=Role.MENTOR)
    return make_profile(user, home, **fields)


# --- who opens what -------------------------------------------------------------------------------------

def test_case_managers_and_coaches_search_the_register(signed_in: ClientFor, people: People) -> None:
    make_profile(people["mads"])
    for username in ("carl", "rita", "ida", "morten"):
        assert "Mads Kjærholm" in page_of(signed_in(username).get(url("corps_list"))), username


@pytest.mark.parametrize("username", ["anders", "tina", "mads", "otto", "signe"])
def test_others_may_not_search(signed_in: ClientFor, username: str) -> None:
    assert signed_in(username).get(url("corps_list")).status_code == 403


def test_a_mentor_opens_only_their_own_entry_read_only(signed_in: ClientFor, people: People) -> None:
    mads = make_profile(people["mads"])
    Supervision.objects.create(mentor=mads, coach=people["morten"], held_on=TODAY, duration_minutes=50,
                               topics="Keeping evenings free")
    page = page_of(signed_in("mads").get(url("corps_profile", mads.pk)))
    assert 'data-testid="own-entry"' in page and "Keeping evenings free" in page
    assert url("corps_edit", mads.pk) not in page and url("supervision_add", mads.pk) not in page
    assert signed_in("otto").get(url("corps_profile", mads.pk)).status_code == 404
    assert signed_in("mads").get(url("corps_edit", mads.pk)).status_code == 403
    assert AuditEvent.objects.filter(action="mentor_profile.refused", actor_username="otto").exists()


@pytest.mark.parametrize("username", ["anders", "tina"])
def test_no_entry_for_those_outside_the_corps(signed_in: ClientFor, people: People, username: str) -> None:
    profile = make_profile(people["mads"])
    client = signed_in(username)
    for name in ("corps_profile", "corps_edit", "supervision_add", "pairing_add"):
        assert client.get(url(name, profile.pk)).status_code == 403, name
    assert client.get(url("corps_new")).status_code == 403


def test_only_the_mentor_coach_writes(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"])
    carl = signed_in("carl")
    page = page_of(carl.get(url("corps_profile", profile.pk)))
    assert url("corps_edit", profile.pk) not in page
    for name in ("corps_edit", "supervision_add", "pairing_add"):
        assert carl.get(url(name, profile.pk)).status_code == 403
        assert carl.post(url(name, profile.pk), {}).status_code == 403
    assert carl.post(url("corps_new"), {}).status_code == 403
    morten = signed_in("morten")
    page = page_of(morten.get(url("corps_profile", profile.pk)))
    for name in ("corps_edit", "supervision_add", "pairing_add"):
        assert url(name, profile.pk) in page
        assert morten.get(url(name, profile.pk)).status_code == 200


# --- the search -----------------------------------------------------------------------------------------

def test_searching_by_needs_says_why_each_mentor_fits(signed_in: ClientFor, people: People) -> None:
    nadia = mentor("nadia", municipality("730"), languages="da,ar", age_groups="young", capacity=3)
    make_intervention(case=make_case(lead=people["rita"]), provider_user=nadia.user)
    mentor("sven", municipality("751"), languages="da,sv", age_groups="young")
    page = page_of(signed_in("carl").get(url("corps_list"), {
        "language": "ar", "age_group": "young", "near": str(municipality("751").pk)}))
    assert "Nadia Test" in page and "Sven Test" not in page
    assert "Speaks Arabic; works with young people 15–17; 35 km from Aarhus; 2 of 3 places free" in page
    assert "nearest to Aarhus first" in page
    assert "1 of 3 taken" in page


def test_the_register_says_in_words_who_cannot_be_assigned(signed_in: ClientFor, people: People) -> None:
    expired_on = TODAY - timedelta(days=2)
    mentor("vera", municipality("751"), accreditation_expires_on=expired_on)
    mentor("ulf", municipality("751"), accredited_on=None, accreditation_expires_on=None)
    page = page_of(signed_in("carl").get(url("corps_list")))
    assert f"expired on {expired_on.isoformat()}." in page
    assert f"The accreditation of Vera Test expired on {expired_on.isoformat()}." in page
    assert "No method training recorded." in page
    assert "Ulf Test has not completed the method training." in page
    only_free = page_of(signed_in("carl").get(url("corps_list"), {"free": "on"}))
    assert "Vera Test" not in only_free and "Ulf Test" not in only_free


def test_a_bad_search_is_refused_with_what_was_typed(signed_in: ClientFor, people: People) -> None:
    page = page_of(signed_in("carl").get(url("corps_list"), {"within_km": "30", "q": "Nad"}), 400)
    assert "Choose the municipality to measure the distance from." in page
    assert 'value="30"' in page and 'value="Nad"' in page
    assert 'data-testid="corps-register"' not in page
    page_of(signed_in("carl").get(url("corps_list"), {"language": "klingon"}), 400)


def test_register_queries_do_not_grow_with_mentors(signed_in: ClientFor, people: People,
                                                   django_assert_max_num_queries: Any) -> None:
    client = signed_in("carl")
    counts = []
    for total in (3, 60):
        MentorProfile.objects.filter(user__username__startswith="m").delete()
        for n in range(total):
            mentor(f"m{total}x{n}", municipality(("751", "727", "730")[n % 3]), languages="da,ar")
        query = {"language": "ar", "free": "on", "near": str(municipality("751").pk), "within_km": "100"}
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("corps_list"), query))
        counts.append(len(queries))
        assert page.count('data-testid="corps-row"') == min(total, 50)
    assert counts[0] == counts[1]


# --- the entry page ---------------------------------------------------------------------------------------

def test_the_entry_lists_supervision_and_pairings(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"], languages="da,so", extremism_kinds="religious", prison_work=True)
    Supervision.objects.create(mentor=profile, coach=people["morten"], held_on=TODAY - timedelta(days=3),
                               duration_minutes=75, topics="Role boundaries")
    CoachPairing.objects.create(coach=people["morten"], mentor=profile, started_on=TODAY - timedelta(days=30))
    coach_page = page_of(signed_in("morten").get(url("corps_profile", profile.pk)))
    for text in ("Danish, Somali", "Religious", (TODAY - timedelta(days=3)).isoformat(), "75 min",
                 "Morten Hedegaard", "Role boundaries", (TODAY - timedelta(days=30)).isoformat()):
        assert text in coach_page, text
    manager_page = page_of(signed_in("rita").get(url("corps_profile", profile.pk)))
    assert "75 min" in manager_page and "Role boundaries" not in manager_page
    assert "shown to mentor coaches and to the member only" in manager_page


def test_profile_queries_do_not_grow_with_supervision(signed_in: ClientFor, people: People,
                                                      django_assert_max_num_queries: Any) -> None:
    client = signed_in("morten")
    counts = []
    for username, total in (("mads", 3), ("otto", 60)):
        profile = make_profile(people[username])
        Supervision.objects.bulk_create([Supervision(mentor=profile, coach=people["morten"], held_on=TODAY,
                                                     duration_minutes=60, topics=f"Topic {n}") for n in range(total)])
        CoachPairing.objects.create(coach=people["morten"], mentor=profile, started_on=TODAY)
        with django_assert_max_num_queries(PROFILE_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(url("corps_profile", profile.pk)))
        counts.append(len(queries))
        assert f"Topic {total - 1}" in page
        assert ("60 supervision sessions · the latest 50 shown" in page) is (total == 60)
    assert counts[0] == counts[1]


# --- the coaches' forms -----------------------------------------------------------------------------------

def _entry_post(**changes: Any) -> dict[str, Any]:
    values = {"home_municipality": municipality("727").pk, "corps_role": CorpsRole.PARENT_COACH,
              "gender": "female", "languages": "da, en, so", "age_groups": ["young", "adults"],
              "extremism_kinds": ["religious"], "prison_work": "on", "capacity": "3",
              "accredited_on": str(TODAY - timedelta(days=40)),
              "accreditation_expires_on": str(TODAY + timedelta(days=700)),
              "is_active": "on", "notes": "Works evenings."}
    values.update(changes)
    return values


def test_a_coach_adds_a_member(signed_in: ClientFor, people: People) -> None:
    client = signed_in("morten")
    form = page_of(client.get(url("corps_new")))
    assert "for training done before the platform kept training records" in form
    assert "the later of the two dates counts" in form
    assert f'<option value="{people["pia"].pk}">Pia Søgaard (pia)</option>' in form
    assert "Carl Brink" not in form  # not in a role of the corps
    response = client.post(url("corps_new"), _entry_post(user=people["pia"].pk))
    profile = MentorProfile.objects.get(user=people["pia"])
    assert response.status_code == 302 and response["Location"] == url("corps_profile", profile.pk)
    assert (profile.languages, profile.age_groups, profile.capacity) == ("da,en,so", "young,adults", 3)


def test_a_bad_entry_comes_back_with_everything_typed(signed_in: ClientFor, people: People) -> None:
    page = page_of(signed_in("morten").post(url("corps_new"), _entry_post(
        user=people["pia"].pk, languages="da, xx", capacity="11", notes="Keep this text",
        accreditation_expires_on=str(TODAY - timedelta(days=50)))), 400)
    assert "Not ISO 639-1 language codes: xx." in page
    assert "Ensure this value is less than or equal to 10." in page
    assert "The accreditation cannot expire before the training was completed." in page
    assert 'value="da, xx"' in page and "Keep this text" in page and 'value="11"' in page
    assert 'href="#id_languages"' in page  # the error summary links to the field
    assert not MentorProfile.objects.exists()


def test_editing_an_entry(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"], municipality("730"), languages="da")
    client = signed_in("morten")
    form = page_of(client.get(url("corps_edit", profile.pk)))
    assert 'value="da"' in form and "Member of the platform" not in form
    page = page_of(client.post(url("corps_edit", profile.pk), _entry_post(
        home_municipality=municipality("730").pk, accredited_on="", accreditation_expires_on=str(TODAY))), 400)
    assert "Give the date the method training was completed, or leave the expiry empty." in page
    assert client.post(url("corps_edit", profile.pk), _entry_post(
        home_municipality=municipality("730").pk, capacity="4")).status_code == 302
    profile.refresh_from_db()
    assert profile.capacity == 4 and profile.corps_role == CorpsRole.PARENT_COACH
    assert AuditEvent.objects.filter(action="mentor_profile.updated", person_id="").exists()


def test_logging_a_supervision(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"])
    mine = make_case(lead=people["carl"], team={people["morten"]: "general"})
    client = signed_in("morten")
    form = page_of(client.get(url("supervision_add", profile.pk)))
    assert "Keep mentees&#x27; personal data out" in form
    assert f'<option value="{mine.pk}">{mine.reference}</option>' in form
    page = page_of(client.post(url("supervision_add", profile.pk), {
        "held_on": str(TODAY + timedelta(days=1)), "duration_minutes": "1441", "topics": "Typed topics"}), 400)
    assert "the date is in the future" in page and "less than or equal to 1440" in page and "Typed topics" in page
    response = client.post(url("supervision_add", profile.pk), {
        "held_on": str(TODAY), "duration_minutes": "90", "topics": "Meeting the family", "case": str(mine.pk)})
    assert response.status_code == 302 and response["Location"].endswith("#supervision")
    supervision = Supervision.objects.get()
    assert (supervision.coach, supervision.case, supervision.duration_minutes) == (people["morten"], mine, 90)
    page = page_of(client.get(url("corps_profile", profile.pk)))
    assert "Meeting the family" in page and f"Tied to case {mine.reference}" in page


def test_a_forged_case_is_refused_at_its_field(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"])
    other = make_case(lead=people["carl"])
    page = page_of(signed_in("morten").post(url("supervision_add", profile.pk), {
        "held_on": str(TODAY), "duration_minutes": "30", "topics": "x", "case": str(other.pk)}), 400)
    assert "Select a valid choice." in page
    assert not Supervision.objects.exists()


def test_pairing_a_coach_once(signed_in: ClientFor, people: People) -> None:
    profile = make_profile(people["otto"])
    client = signed_in("morten")
    form = page_of(client.get(url("pairing_add", profile.pk)))
    assert f'<option value="{people["morten"].pk}" selected>Morten Hedegaard (morten)</option>' in form
    data = {"coach": people["morten"].pk, "started_on": str(TODAY)}
    assert client.post(url("pairing_add", profile.pk), data).status_code == 302
    page = page_of(client.post(url("pairing_add", profile.pk), data), 400)
    assert "Morten Hedegaard is already paired with Otto Rimmen." in page
    assert CoachPairing.objects.count() == 1


# --- nothing about a person of concern -------------------------------------------------------------------

def test_no_field_about_a_person_of_concern_reaches_the_register(signed_in: ClientFor, people: People) -> None:
    person = make_person("Yusuf", "Hemmeligsen", birth_date=date(2008, 3, 14))
    case = make_case(lead=people["carl"], person=person, team={people["mads"]: "general"})
    profile = make_profile(people["mads"], languages="da,ar")
    make_intervention(case=case, provider_user=people["mads"], description="Mentoring for Yusuf after school")
    make_lending(case=case, lending_organisation=municipality("730"), offered_mentor=profile, status="offered",
                 summary="A young man who needs an Arabic-speaking mentor")
    Supervision.objects.create(mentor=profile, coach=people["morten"], held_on=TODAY, duration_minutes=30,
                               topics="General mentor wellbeing")
    pages = [
        page_of(signed_in("carl").get(url("corps_list"))),
        page_of(signed_in("rita").get(url("corps_list"), {"language": "ar", "near": str(municipality("730").pk)})),
        page_of(signed_in("carl").get(url("corps_profile", profile.pk))),
        page_of(signed_in("morten").get(url("corps_profile", profile.pk))),
    ]
    for page in pages:
        assert "1 of 2 taken" in page  # the load counts the course, and says nothing more of it
        for secret in ("Yusuf", "Hemmeligsen", case.reference, "2008-03-14",
                       "Mentoring for Yusuf", "Arabic-speaking mentor"):
            assert secret not in page, secret
    corps_events = AuditEvent.objects.filter(object_type="mentor_profile")
    assert corps_events.exists() and not corps_events.exclude(person_id="").exists()
