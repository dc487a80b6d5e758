"""The register of the mentor corps: the search by needs (each filter, distance and its unknown
cases, the words that say why a mentor fits), who opens an entry, and the services that keep the
register (entries, supervision, coach pairings) with their refusals and audit rows."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.models import AuditEvent
from infohus.cases.tests.factories import make_case
from infohus.interventions import municipalities
from infohus.interventions.models import CoachPairing, CorpsRole, MentorProfile, Supervision
from infohus.interventions.selectors import corps as reads
from infohus.interventions.selectors.corps import Needs
from infohus.interventions.services import corps as services
from infohus.interventions.services.corps import ProfileData
from infohus.interventions.tests.factories import make_intervention, make_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
People = dict[str, User]


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY, municipality_code=code)


@pytest.fixture
def laeso(people: People) -> Organisation:
    """A municipality whose location the table does not hold (Læsø, 825)."""
    return Organisation.objects.create(name="Læsø Kommune (test)", kind=Organisation.Kind.MUNICIPALITY,
                                       municipality_code="825")


def mentor(username: str, home: Organisation, *, first_name: str = "", role: str = Role.MENTOR,
           **fields: Any) -> MentorProfile:
    """A platform user with a mentor membership in the home municipality and an entry in the register."""
    user = User.objects.create_user(username=username, first_name=first_name or username.capitalize(),
                                    last_name="Test")
    Membership.objects.create(user=user, organisation=home, role=role)
    return make_profile(user, home, **fields)


def names(needs: Needs) -> list[str]:
    return [p.user.username for p in reads.search(needs)]


def busy(profile: MentorProfile, lead: User, courses: int) -> None:
    """Give the mentor active courses of mentoring (each on a case of its own)."""
    for _n in range(courses):
        make_intervention(case=make_case(lead=lead), provider_user=profile.user)


# --- each filter -------------------------------------------------------------------------------------------

def test_language_matches_a_whole_code_anywhere_in_the_list(people: People) -> None:
    aarhus = municipality("751")
    mentor("first", aarhus, languages="ar")
    mentor("middle", aarhus, languages="da,ar,so")
    mentor("last", aarhus, languages="da,ar")
    mentor("none", aarhus, languages="da,so")
    mentor("other", aarhus, languages="am")
    assert sorted(names(Needs(language="ar"))) == ["first", "last", "middle"]


def test_age_group_kind_of_extremism_gender_prison_work_and_role(people: People) -> None:
    aarhus = municipality("751")
    mentor("young", aarhus, age_groups="children,young", extremism_kinds="religious", gender="female")
    mentor("adults", aarhus, age_groups="young_adults,adults", extremism_kinds="right_wing,hate_crime",
           gender="male", prison_work=True)
    mentor("coach", aarhus, corps_role=CorpsRole.PARENT_COACH, age_groups="adults", gender="female")
    assert names(Needs(age_group="young")) == ["young"]
    assert sorted(names(Needs(age_group="adults"))) == ["adults", "coach"]
    assert names(Needs(extremism_kind="hate_crime")) == ["adults"]
    assert names(Needs(extremism_kind="left_wing")) == []
    assert sorted(names(Needs(gender="female"))) == ["coach", "young"]
    assert names(Needs(prison_work=True)) == ["adults"]
    assert names(Needs(corps_role=CorpsRole.PARENT_COACH)) == ["coach"]
    assert names(Needs(gender="female", age_group="adults")) == ["coach"]


def test_name_and_inactive_members(people: People) -> None:
    aarhus = municipality("751")
    mentor("amira", aarhus, first_name="Amira")
    mentor("bo", aarhus, first_name="Bo", is_active=False)
    assert names(Needs(name="amir")) == ["amira"]
    assert names(Needs(name="bo")) == []
    assert names(Needs(name="bo", include_inactive=True)) == ["bo"]


def test_free_places_and_valid_accreditation(people: People) -> None:
    aarhus = municipality("751")
    carl = people["carl"]
    mentor("ready", aarhus, capacity=2)
    busy(mentor("half", aarhus, capacity=2), carl, 1)
    busy(mentor("full", aarhus, capacity=2), carl, 2)
    mentor("expired", aarhus, accreditation_expires_on=TODAY - timedelta(days=1))
    mentor("untrained", aarhus, accredited_on=None, accreditation_expires_on=None)
    mentor("no_expiry", aarhus, accreditation_expires_on=None)
    mentor("resting", aarhus, is_active=False)
    # An ended course and an anonymous advice consultation take no place.
    ended = mentor("ended", aarhus, capacity=1)
    make_intervention(case=make_case(lead=carl), provider_user=ended.user, status="ended")
    make_intervention(provider_user=ended.user)
    assert sorted(names(Needs(free_only=True))) == ["ended", "half", "no_expiry", "ready"]
    assert len(names(Needs())) == 7  # without the filter everyone active is listed (not "resting")


# --- distance ----------------------------------------------------------------------------------------------

def test_haversine_distances_between_town_halls() -> None:
    assert municipalities.distance_km("751", "751") == 0
    assert municipalities.distance_km("751", "730") == 35  # Aarhus–Randers
    assert municipalities.distance_km("751", "727") == 21  # Aarhus–Odder
    assert 150 <= (municipalities.distance_km("101", "751") or 0) <= 160  # Copenhagen–Aarhus, about 157 km
    assert municipalities.distance_km("751", "825") is None
    assert municipalities.distance_km("0751", " 730") == 35


def test_sorted_by_distance_with_unknown_locations_last(people: People, laeso: Organisation) -> None:
    mentor("randers", municipality("730"))
    mentor("island", laeso)
    mentor("odder", municipality("727"))
    mentor("aarhus", municipality("751"))
    assert names(Needs(near=municipality("751"))) == ["aarhus", "odder", "randers", "island"]
    assert names(Needs(near=municipality("730"))) == ["randers", "aarhus", "odder", "island"]


def test_within_keeps_those_whose_distance_is_not_known_and_says_so(people: People, laeso: Organisation) -> None:
    mentor("randers", municipality("730"))
    mentor("island", laeso)
    mentor("odder", municipality("727"))
    needs = Needs(near=municipality("751"), within_km=25)
    assert names(needs) == ["odder", "island"]
    rows = {row.profile.user.username: row for row in reads.register_page(people["carl"], needs).rows}
    assert rows["odder"].distance_km == 21
    assert "21 km from Aarhus" in rows["odder"].fits
    assert rows["island"].distance_km is None
    assert ("distance from Aarhus not known: no location is recorded for Læsø Kommune (test)"
            in rows["island"].fits)


def test_from_a_municipality_without_a_location_nothing_is_left_out(people: People, laeso: Organisation) -> None:
    mentor("randers", municipality("730"))
    mentor("aarhus", municipality("751"))
    needs = Needs(near=laeso, within_km=5)
    result = reads.register_page(people["carl"], needs)
    assert result.origin is not None and not result.origin.known
    assert [row.profile.user.username for row in result.rows] == ["aarhus", "randers"]  # by name
    assert all("distance not known: no location is recorded for Læsø Kommune (test)" in row.fits
               for row in result.rows)


# --- why a mentor fits -------------------------------------------------------------------------------------

def test_the_words_say_why_from_the_mentors_data_and_the_needs(people: People) -> None:
    randers = mentor("nadia", municipality("730"), languages="da,ar", age_groups="young,young_adults", capacity=3)
    busy(randers, people["rita"], 2)
    needs = Needs(language="ar", age_group="young", near=municipality("751"))
    [row] = reads.register_page(people["carl"], needs).rows
    assert row.fits_text == "speaks Arabic; works with young people 15–17; 35 km from Aarhus; 1 of 3 places free"


def test_more_needs_more_words_and_the_home_municipality_itself(people: People) -> None:
    mentor("ole", municipality("751"), gender="male", prison_work=True, extremism_kinds="right_wing",
           corps_role=CorpsRole.MENTOR, capacity=1, accreditation_expires_on=TODAY + timedelta(days=30))
    needs = Needs(gender="male", prison_work=True, extremism_kind="right_wing", corps_role=CorpsRole.MENTOR,
                  free_only=True, near=municipality("751"))
    [row] = reads.register_page(people["carl"], needs).rows
    expires = (TODAY + timedelta(days=30)).isoformat()
    assert row.fits == ["is a mentor", "has worked with right-wing extremism", "is a man",
                        "has experience of prison work", "based in Aarhus", "1 of 1 place free",
                        f"accredited until {expires}"]


def test_without_needs_there_is_nothing_to_explain(people: People) -> None:
    mentor("ole", municipality("751"))
    [row] = reads.register_page(people["carl"], Needs(name="ole")).rows
    assert row.fits == []


def test_a_full_mentor_is_listed_with_the_reason_in_words(people: People) -> None:
    full = mentor("full", municipality("751"), capacity=1, accreditation_expires_on=TODAY - timedelta(days=3))
    busy(full, people["carl"], 1)
    [row] = reads.register_page(people["carl"], Needs(language="da")).rows
    expired = (TODAY - timedelta(days=3)).isoformat()
    assert row.reasons == [f"The accreditation of Full Test expired on {expired}.",
                           "Full Test is at full capacity (1 of 1 courses)."]
    assert row.accreditation_expired and row.accreditation.endswith(f"expired on {expired}.")
    assert "no place free (1 of 1 courses taken)" in row.fits


def test_listing_is_audited_without_a_person(people: People) -> None:
    profile = mentor("ole", municipality("751"))
    reads.register_page(people["carl"], Needs(language="da"))
    event = AuditEvent.objects.get(action="mentor_profile.listed")
    assert (event.actor_username, event.object_type, event.person_id) == ("carl", "mentor_profile", "")
    assert event.details == {"profiles": [profile.pk], "needs": {"language": "da"}}


def test_search_queries_do_not_grow_with_mentors(people: People, django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    aarhus = municipality("751")
    counts = []
    for total in (3, 60):
        MentorProfile.objects.all().delete()
        for n in range(total):
            mentor(f"m{total}x{n}", aarhus, languages="da,ar")
        needs = Needs(language="ar", free_only=True, near=municipality("730"), within_km=100)
        # count, page, loads, and the audit row: savepoint, chain head, insert, release (and on
        # PostgreSQL the chain's advisory lock)
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            result = reads.register_page(people["carl"], needs)
            assert len(result.rows) == min(total, reads.REGISTER_PAGE_SIZE)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- who opens an entry -----------------------------------------------------------------------------------

def test_a_mentor_opens_only_their_own_entry(people: People) -> None:
    mads = make_profile(people["mads"])
    otto = make_profile(people["otto"])
    assert reads.profile_for_user(people["mads"], mads.pk) == mads
    with pytest.raises(Http404):
        reads.profile_for_user(people["mads"], otto.pk)
    refused = AuditEvent.objects.get(action="mentor_profile.refused")
    assert (refused.actor_username, refused.object_id, refused.person_id) == ("mads", str(otto.pk), "")
    with pytest.raises(Http404):
        reads.profile_for_user(people["mads"], 987654)


def test_register_readers_open_every_entry_unless_acting_otherwise(people: People) -> None:
    otto = make_profile(people["otto"])
    for username in ("carl", "rita", "ida", "morten"):
        assert reads.profile_for_user(people[username], otto.pk) == otto
    # The view passes what the active membership allows: acting without it, only one's own entry.
    with pytest.raises(Http404):
        reads.profile_for_user(people["carl"], otto.pk, register_reader=False)
    for username in ("anders", "tina", "signe"):
        with pytest.raises(Http404):
            reads.profile_for_user(people[username], otto.pk)
    viewed = AuditEvent.objects.filter(action="mentor_profile.viewed").first()
    assert viewed is not None and viewed.person_id == "" and viewed.object_type == "mentor_profile"


# --- the entry page: supervision topics --------------------------------------------------------------------

def test_supervision_topics_for_coaches_and_the_mentor_only(people: People) -> None:
    profile = make_profile(people["mads"])
    Supervision.objects.create(mentor=profile, coach=people["morten"], held_on=TODAY, duration_minutes=45,
                               topics="Boundaries in the mentor role")
    for username, coach, sees in (("morten", True, True), ("mads", False, True), ("carl", False, False)):
        page = reads.profile_page(people[username], profile, coach=coach)
        assert page.sees_topics is sees
        assert page.supervisions[0].topics == ("Boundaries in the mentor role" if sees else None)
        assert page.supervision_count == 1


def test_topics_tied_to_a_case_only_for_those_who_see_the_case(people: People) -> None:
    profile = make_profile(people["mads"])
    case = make_case(lead=people["carl"], team={people["morten"]: "general"})
    Supervision.objects.create(mentor=profile, coach=people["morten"], held_on=TODAY, duration_minutes=30,
                               topics="How the mentee's family takes part", case=case)
    page = reads.profile_page(people["morten"], profile, coach=True)
    assert page.supervisions[0].topics == "How the mentee's family takes part"
    assert page.supervisions[0].case_reference == case.reference
    event = AuditEvent.objects.get(action="supervision.topics_viewed")
    assert event.person_id == str(case.person_id) and event.details["cases"] == [case.pk]
    mads_page = reads.profile_page(people["mads"], profile, coach=False)  # mads is not on that case
    assert mads_page.supervisions[0].topics is None and mads_page.supervisions[0].hidden_because_of_case
    assert mads_page.supervisions[0].case_reference == ""


# --- keeping the register -----------------------------------------------------------------------------------

def data(**changes: Any) -> ProfileData:
    values: dict[str, Any] = {
        "home_municipality": municipality("727"), "corps_role": CorpsRole.PARENT_COACH, "gender": "female",
        "languages": ("da", "EN", " so"), "age_groups": ("adults",), "extremism_kinds": ("religious",),
        "prison_work": False, "capacity": 3, "accredited_on": TODAY - timedelta(days=100),
        "accreditation_expires_on": TODAY + timedelta(days=900), "is_active": True, "notes": " Evenings only. "}
    values.update(changes)
    return ProfileData(**values)


def refusal(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_coach_adds_a_member_and_it_is_audited_without_a_person(people: People) -> None:
    profile = services.create_profile(actor=people["morten"], user=people["pia"], data=data())
    profile.refresh_from_db()
    assert (profile.languages, profile.age_groups, profile.extremism_kinds, profile.notes) == (
        "da,en,so", "adults", "religious", "Evenings only.")
    assert profile.home_municipality == municipality("727") and profile.capacity == 3
    event = AuditEvent.objects.get(action="mentor_profile.created")
    assert (event.actor_username, event.object_id, event.person_id) == ("morten", str(profile.pk), "")
    assert event.details == {"user": people["pia"].pk}


def test_only_coaches_keep_the_register(people: People) -> None:
    with pytest.raises(PermissionDenied):
        services.create_profile(actor=people["carl"], user=people["pia"], data=data())
    assert not MentorProfile.objects.exists()


def test_who_can_be_in_the_register(people: People) -> None:
    assert "no active membership as mentor" in refusal(
        lambda: services.create_profile(actor=people["morten"], user=people["carl"], data=data()))["user"][0]
    services.create_profile(actor=people["morten"], user=people["pia"], data=data())
    assert refusal(lambda: services.create_profile(actor=people["morten"], user=people["pia"], data=data())) == {
        "user": ["Pia Søgaard is already in the register."]}
    # The mentor coach himself may have an entry.
    assert services.create_profile(actor=people["morten"], user=people["morten"],
                                   data=data(corps_role=CorpsRole.MENTOR_COACH)).corps_role == "mentor_coach"


def test_bad_entries_are_refused_field_by_field(people: People) -> None:
    errors = refusal(lambda: services.create_profile(
        actor=people["morten"], user=people["pia"],
        data=data(home_municipality=Organisation.objects.get(kind="police_district"), languages=("da", "xx", "eng"),
                  capacity=11, accreditation_expires_on=TODAY - timedelta(days=101), corps_role="boss",
                  age_groups=("babies",), extremism_kinds=("not_known",))))
    assert set(errors) == {"home_municipality", "languages", "capacity", "accreditation_expires_on", "corps_role",
                           "age_groups", "extremism_kinds"}
    assert errors["languages"] == ["Not ISO 639-1 language codes: xx, eng. Use two-letter codes such as da, ar or so."]
    assert errors["accreditation_expires_on"] == [
        "The accreditation cannot expire before the training was completed."]
    assert refusal(lambda: services.create_profile(actor=people["morten"], user=people["pia"],
                                                   data=data(capacity=0)))["capacity"] == [
        "Give a number of courses from 1 to 10."]
    assert "leave the expiry empty" in refusal(lambda: services.create_profile(
        actor=people["morten"], user=people["pia"], data=data(accredited_on=None)))["accreditation_expires_on"][0]
    assert "future" in refusal(lambda: services.create_profile(
        actor=people["morten"], user=people["pia"],
        data=data(accredited_on=TODAY + timedelta(days=1))))["accredited_on"][0]
    assert not MentorProfile.objects.exists() and not AuditEvent.objects.filter(
        action="mentor_profile.created").exists()


def test_an_update_names_what_changed(people: People) -> None:
    profile = make_profile(people["otto"], municipality("730"), languages="da")
    services.update_profile(actor=people["morten"], profile=profile,
                            data=data(home_municipality=municipality("730"), languages=("da",), capacity=4))
    event = AuditEvent.objects.get(action="mentor_profile.updated")
    assert event.person_id == ""
    assert "capacity" in event.details["changed"] and "languages" not in event.details["changed"]
    profile.refresh_from_db()
    assert profile.capacity == 4
    # Saving the same again writes nothing.
    services.update_profile(actor=people["morten"], profile=profile,
                            data=data(home_municipality=municipality("730"), languages=("da",), capacity=4))
    assert AuditEvent.objects.filter(action="mentor_profile.updated").count() == 1


def test_supervision_is_logged_and_refused_when_wrong(people: People) -> None:
    profile = make_profile(people["otto"])
    morten = people["morten"]
    errors = refusal(lambda: services.log_supervision(actor=morten, profile=profile,
                                                      held_on=TODAY + timedelta(days=1), duration_minutes=0,
                                                      topics=" "))
    assert set(errors) == {"held_on", "duration_minutes", "topics"}
    assert "24 hours" in refusal(lambda: services.log_supervision(
        actor=morten, profile=profile, held_on=TODAY, duration_minutes=1441, topics="x"))["duration_minutes"][0]
    supervision = services.log_supervision(actor=morten, profile=profile, held_on=TODAY, duration_minutes=1440,
                                           topics=" Self-care ")
    assert (supervision.coach, supervision.topics, supervision.case) == (morten, "Self-care", None)
    event = AuditEvent.objects.get(action="supervision.logged")
    assert (event.object_type, event.object_id, event.person_id) == ("mentor_profile", str(profile.pk), "")
    with pytest.raises(PermissionDenied):
        services.log_supervision(actor=people["carl"], profile=profile, held_on=TODAY, duration_minutes=30,
                                 topics="x")


def test_a_supervision_is_tied_only_to_a_case_the_coach_is_on(people: People) -> None:
    profile = make_profile(people["mads"])
    outside = make_case(lead=people["carl"])
    inside = make_case(lead=people["carl"], team={people["morten"]: "general"})
    assert refusal(lambda: services.log_supervision(
        actor=people["morten"], profile=profile, held_on=TODAY, duration_minutes=60, topics="x",
        case_pk=outside.pk)) == {"case": ["A supervision can only be tied to a case whose team you are on."]}
    assert AuditEvent.objects.filter(action="case.refused", object_id=str(outside.pk)).exists()
    supervision = services.log_supervision(actor=people["morten"], profile=profile, held_on=TODAY,
                                           duration_minutes=60, topics="The family meeting", case_pk=inside.pk)
    assert supervision.case == inside
    event = AuditEvent.objects.get(action="supervision.logged")
    assert event.person_id == str(inside.person_id) and event.details["case"] == inside.pk
    assert AuditEvent.objects.filter(action="case.viewed", object_id=str(inside.pk), actor_username="morten").exists()


def test_pairing_a_coach_once(people: People) -> None:
    profile = make_profile(people["otto"])
    morten = people["morten"]
    pairing = services.pair_coach(actor=morten, profile=profile, coach=morten, started_on=TODAY)
    assert AuditEvent.objects.get(action="coach_pairing.created").details == {
        "user": people["otto"].pk, "pairing": pairing.pk, "coach": morten.pk}
    assert refusal(lambda: services.pair_coach(actor=morten, profile=profile, coach=morten, started_on=TODAY)) == {
        "coach": ["Morten Hedegaard is already paired with Otto Rimmen."]}
    CoachPairing.objects.filter(pk=pairing.pk).update(ended_on=TODAY)
    assert services.pair_coach(actor=morten, profile=profile, coach=morten, started_on=TODAY).pk != pairing.pk
    assert refusal(lambda: services.pair_coach(actor=morten, profile=profile, coach=people["mads"],
                                               started_on=TODAY)) == {"coach": ["Mads Kjærholm is not a mentor coach."]}
    own = make_profile(morten, Organisation.objects.get(municipality_code="751", kind="municipality"))
    assert "themself" in refusal(lambda: services.pair_coach(actor=morten, profile=own, coach=morten,
                                                             started_on=TODAY))["coach"][0]
