"""Mentor accreditation read from the training record: a completed run of the method training
counts like a date entered by a mentor coach, the later of the two wins, a withdrawn enrolment or
a course of another kind does not count, and an expiry entered with an earlier date no longer
applies once the training record is newer. The database filter of the search and the words of
each page follow the same rule; the profile page says where the accreditation comes from and
links to the run only for those who may open it. Query counts stay pinned."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import Role
from infohus.interventions.models import CorpsRole, MentorProfile
from infohus.interventions.selectors import corps as reads
from infohus.interventions.selectors.corps import Needs
from infohus.interventions.services import corps as services
from infohus.interventions.services.corps import ProfileData, accreditation, reasons_not_assignable
from infohus.interventions.tests.factories import make_profile
from infohus.interventions.tests.test_corps_pages import LIST_QUERIES, PROFILE_QUERIES
from infohus.training.models import CourseKind, CourseRun, Enrolment
from infohus.training.selectors.completions import (
    method_training_completed_on,
    method_training_completion_subquery,
    method_training_record,
)
from infohus.training.tests.factories import centre, make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY, municipality_code=code)


def mentor(username: str, **fields: Any) -> MentorProfile:
    user = User.objects.create_user(username=username, first_name=username.capitalize(), last_name="Test")
    Membership.objects.create(user=user, organisation=municipality("751"), role=Role.MENTOR)
    return make_profile(user, municipality("751"), **fields)


def untrained(username: str) -> MentorProfile:
    return mentor(username, accredited_on=None, accreditation_expires_on=None)


def method_run(people: People, *, title: str = "Metodeuddannelsen", kind: str = CourseKind.MENTOR_METHOD,
               starts_on: date | None = None) -> CourseRun:
    course = make_course(kind=kind, units=3, created_by=people["tina"], title=title)
    return make_run(course, starts_on=starts_on or days_ago(60), status=CourseRun.Status.HELD)


def complete(people: People, profile: MentorProfile, on: date, **run: Any) -> Enrolment:
    return make_enrolment(method_run(people, **run), profile.user, completed_on=on)


def fresh(profile: MentorProfile) -> MentorProfile:
    """The profile as another part of the platform reads it: no annotation."""
    return MentorProfile.objects.select_related("user").get(pk=profile.pk)


def free(on: date | None = None) -> set[str]:
    return {p.user.username for p in reads.search(Needs(free_only=True), on=on)}


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def profile_url(profile: MentorProfile, name: str = "corps_profile") -> str:
    return reverse(f"interventions:{name}", args=[profile.pk])


# --- the training record --------------------------------------------------------------------------------

def test_the_latest_completion_of_a_method_run_is_read(people: People) -> None:
    mads = people["mads"]
    assert method_training_completed_on(mads.pk) is None
    make_enrolment(method_run(people), mads, completed_on=days_ago(200))
    make_enrolment(method_run(people), mads, completed_on=days_ago(20))
    make_enrolment(method_run(people), mads)  # enrolled, not completed
    assert method_training_completed_on(mads.pk) == days_ago(20)
    assert method_training_completed_on(None) is None


def test_the_subquery_annotates_a_whole_list_in_one_query(people: People,
                                                           django_assert_num_queries: Any) -> None:
    profiles = [untrained(f"m{n}") for n in range(12)]
    for n, profile in enumerate(profiles[:6]):
        complete(people, profile, days_ago(10 + n))
    with django_assert_num_queries(1):
        rows = dict(MentorProfile.objects.annotate(trained=method_training_completion_subquery("user_id"))
                    .values_list("user__username", "trained"))
    assert rows == {f"m{n}": (days_ago(10 + n) if n < 6 else None) for n in range(12)}


# --- who becomes assignable ----------------------------------------------------------------------------

def test_a_mentor_with_no_typed_date_who_completes_a_method_run_becomes_assignable(people: People) -> None:
    nina = untrained("nina")
    assert reasons_not_assignable(fresh(nina)) == ["Nina Test has not completed the method training."]
    assert "nina" not in free()
    complete(people, nina, days_ago(3))
    assert reasons_not_assignable(fresh(nina)) == []
    assert "nina" in free()
    [row] = reads.register_page(people["carl"], Needs(name="nina")).rows
    assert row.assignable and row.accreditation == f"Completed {days_ago(3)} (training record); no expiry recorded."


@pytest.mark.parametrize("how", ["withdrawn", "another kind of course", "not completed", "someone else"])
def test_what_does_not_count_as_the_method_training(people: People, how: str) -> None:
    nina = untrained("nina")
    if how == "withdrawn":
        make_enrolment(method_run(people), nina.user, completed_on=days_ago(3), status=Enrolment.Status.WITHDRAWN)
    elif how == "another kind of course":
        for kind in (CourseKind.PSP, CourseKind.SPECIALISED, CourseKind.RESOURCE_PERSON):
            make_enrolment(method_run(people, kind=kind), nina.user, completed_on=days_ago(3))
    elif how == "not completed":
        make_enrolment(method_run(people), nina.user)
    else:
        make_enrolment(method_run(people), people["otto"], completed_on=days_ago(3))
    assert method_training_completed_on(nina.user_id) is None
    assert reasons_not_assignable(fresh(nina)) == ["Nina Test has not completed the method training."]
    assert "nina" not in free()
    [row] = reads.register_page(people["carl"], Needs(name="nina")).rows
    assert row.accreditation == "No method training recorded." and not row.assignable


def test_the_later_date_wins(people: People) -> None:
    trained_later = mentor("trained", accredited_on=days_ago(400), accreditation_expires_on=None)
    complete(people, trained_later, days_ago(30))
    entered_later = mentor("entered", accredited_on=days_ago(10), accreditation_expires_on=None)
    complete(people, entered_later, days_ago(30))
    same_day = mentor("same", accredited_on=days_ago(30), accreditation_expires_on=None)
    complete(people, same_day, days_ago(30))
    held = accreditation(fresh(trained_later))
    assert (held.completed_on, held.from_training) == (days_ago(30), True)
    held = accreditation(fresh(entered_later))
    assert (held.completed_on, held.from_training) == (days_ago(10), False)
    held = accreditation(fresh(same_day))
    assert (held.completed_on, held.from_training) == (days_ago(30), False)  # a tie counts as entered
    rows = {row.profile.user.username: row.accreditation
            for row in reads.register_page(people["carl"], Needs(name="Test")).rows}
    assert rows["trained"] == f"Completed {days_ago(30)} (training record); no expiry recorded."
    assert rows["entered"] == f"Completed {days_ago(10)}; no expiry recorded."


def test_a_newer_training_record_lifts_an_expiry_entered_with_an_older_date(people: People) -> None:
    renewed = mentor("renewed", accredited_on=days_ago(800), accreditation_expires_on=days_ago(10))
    complete(people, renewed, days_ago(5))
    stale = mentor("stale", accredited_on=days_ago(100), accreditation_expires_on=days_ago(10))
    complete(people, stale, days_ago(300))  # the training record is older: the expiry still holds
    assert reasons_not_assignable(fresh(renewed)) == []
    assert reasons_not_assignable(fresh(stale)) == [f"The accreditation of Stale Test expired on {days_ago(10)}."]
    assert free() >= {"renewed"} and "stale" not in free()
    held = accreditation(fresh(renewed))
    assert held.expiry_superseded and held.expires_on is None and not held.expired(TODAY)


def test_an_expiry_set_for_the_training_record_applies(people: People) -> None:
    nina = mentor("nina", accredited_on=None, accreditation_expires_on=days_ago(1))
    complete(people, nina, days_ago(400))
    assert reasons_not_assignable(fresh(nina)) == [f"The accreditation of Nina Test expired on {days_ago(1)}."]
    assert "nina" not in free()
    assert "nina" in free(on=days_ago(2))


# The same rule in Python and in the database, over every combination of missing and present dates
# (NULLs are where SQLite and PostgreSQL differ).
CASES = [
    # entered, entered expiry, training record (days ago; None: absent), assignable today
    (None, None, None, False),
    (None, None, 5, True),
    (None, -30, 5, True),
    (None, 1, 5, False),
    (100, None, None, True),
    (100, 1, None, False),
    (100, -30, None, True),
    (100, 1, 5, True),  # training newer: the expiry entered with 100 no longer applies
    (100, 1, 100, False),  # a tie counts as entered: its expiry applies
    (5, 1, 100, False),
    (5, None, 100, True),
    (5, -30, 100, True),
]


def test_the_database_filter_and_the_words_follow_the_same_rule(people: People) -> None:
    expected = {}
    for n, (entered, expiry, trained, assignable) in enumerate(CASES):
        profile = mentor(f"case{n}", accredited_on=days_ago(entered) if entered is not None else None,
                         accreditation_expires_on=days_ago(expiry) if expiry is not None else None)
        if trained is not None:
            complete(people, profile, days_ago(trained))
        expected[f"case{n}"] = assignable
    in_python = {p.user.username: not reasons_not_assignable(p)
                 for p in MentorProfile.objects.select_related("user")}
    in_database = free()
    assert in_python == expected
    assert in_database == {name for name, yes in expected.items() if yes}
    rows = {row.profile.user.username: row.assignable
            for row in reads.register_page(people["carl"], Needs(name="case")).rows}
    assert rows == expected


def test_loads_bring_the_training_record_along_for_a_list(people: People, django_assert_num_queries: Any) -> None:
    profiles = [untrained(f"m{n}") for n in range(5)]
    complete(people, profiles[0], days_ago(3))
    listed = list(MentorProfile.objects.select_related("user").order_by("pk"))
    with django_assert_num_queries(1):
        load_of = services.loads(listed)
    with django_assert_num_queries(0):
        assignable = [not reasons_not_assignable(p, load=load_of[p.pk]) for p in listed]
    assert assignable == [True, False, False, False, False]


# --- the coach's form -------------------------------------------------------------------------------------

def data(**changes: Any) -> ProfileData:
    values: dict[str, Any] = {"home_municipality": municipality("751"), "corps_role": CorpsRole.MENTOR,
                              "capacity": 2, "accredited_on": None, "accreditation_expires_on": None}
    values.update(changes)
    return ProfileData(**values)


def test_a_coach_may_set_an_expiry_for_the_training_record_without_a_date(people: People) -> None:
    complete(people, untrained("nina"), days_ago(30))
    nina = MentorProfile.objects.get(user__username="nina")
    with pytest.raises(ValidationError) as refused:
        services.update_profile(actor=people["morten"], profile=nina,
                                data=data(accreditation_expires_on=days_ago(31)))
    assert refused.value.message_dict == {
        "accreditation_expires_on": ["The accreditation cannot expire before the training was completed."]}
    saved = services.update_profile(actor=people["morten"], profile=nina,
                                    data=data(accreditation_expires_on=TODAY + timedelta(days=700)))
    assert saved.accreditation_expires_on == TODAY + timedelta(days=700)
    assert accreditation(fresh(nina)).expires_on == TODAY + timedelta(days=700)


def test_a_new_expiry_with_a_date_older_than_the_training_record_is_refused(signed_in: ClientFor,
                                                                           people: People) -> None:
    otto = mentor("olga", accredited_on=days_ago(800), accreditation_expires_on=days_ago(10), capacity=2)
    complete(people, otto, days_ago(5))
    client = signed_in("morten")
    form = page_of(client.get(profile_url(otto, "corps_edit")))
    assert f"The training record shows the method training completed on {days_ago(5)}." in form
    post = {"home_municipality": municipality("751").pk, "corps_role": CorpsRole.MENTOR, "capacity": "3",
            "accredited_on": str(days_ago(800)), "accreditation_expires_on": str(TODAY + timedelta(days=300)),
            "is_active": "on", "notes": "Typed notes"}
    page = page_of(client.post(profile_url(otto, "corps_edit"), post), 400)
    assert (f"The training record shows the method training completed on {days_ago(5)}, after the date entered "
            f"above ({days_ago(800)}), so an expiry given with that date would not apply.") in page
    assert "Typed notes" in page and 'value="3"' in page
    otto.refresh_from_db()
    assert (otto.capacity, otto.accreditation_expires_on) == (2, days_ago(10))
    # Changing something else keeps the old expiry as it was, without refusing.
    post["accreditation_expires_on"] = str(days_ago(10))
    assert client.post(profile_url(otto, "corps_edit"), post).status_code == 302
    otto.refresh_from_db()
    assert (otto.capacity, otto.accreditation_expires_on) == (3, days_ago(10))
    # Leaving the date empty sets the expiry for the training record.
    post.update(accredited_on="", accreditation_expires_on=str(TODAY + timedelta(days=300)))
    assert client.post(profile_url(otto, "corps_edit"), post).status_code == 302
    assert accreditation(fresh(otto)).expires_on == TODAY + timedelta(days=300)


# --- the profile page ------------------------------------------------------------------------------------

def _make_morten_a_trainer(people: People) -> None:
    Membership.objects.create(user=people["morten"], organisation=centre(), role=Role.TRAINER)


def test_the_profile_says_the_accreditation_comes_from_the_training_record(signed_in: ClientFor,
                                                                           people: People) -> None:
    mads = make_profile(people["mads"], accredited_on=days_ago(700), accreditation_expires_on=days_ago(2))
    run = method_run(people, title="Metodeuddannelsen forår", starts_on=days_ago(40))
    make_enrolment(run, people["mads"], completed_on=days_ago(12))
    run_link = reverse("training:run_detail", args=[run.pk])
    sentence = (f"Completed the method training run {{}}Metodeuddannelsen forår, {run.starts_on} to {run.ends_on}"
                f"{{}} on {days_ago(12)} (training record).")
    _make_morten_a_trainer(people)
    coach_page = page_of(signed_in("morten").get(profile_url(mads)))
    assert sentence.format(f'<a href="{run_link}">', "</a>") in coach_page
    assert f"The expiry entered with that date ({days_ago(2)}) no longer applies" in coach_page
    assert "Yes: active, accredited and with a free place." in coach_page
    for who in ("rita", "mads"):  # they may not open the run: the same words, no link
        page = page_of(signed_in(who).get(profile_url(mads)))
        assert sentence.format("", "") in page, who
        assert run_link not in page, who


def test_an_entered_date_says_so(signed_in: ClientFor, people: People) -> None:
    otto = make_profile(people["otto"], accredited_on=days_ago(20))
    page = page_of(signed_in("rita").get(profile_url(otto)))
    assert 'data-testid="entered">Entered by a mentor coach.' in page
    make_enrolment(method_run(people, title="Metodeuddannelsen 2024"), people["otto"], completed_on=days_ago(300))
    page = page_of(signed_in("rita").get(profile_url(otto)))
    assert "Entered by a mentor coach." in page
    assert "also shows the method training run Metodeuddannelsen 2024" in page
    assert f"completed on {days_ago(300)}; the date entered is not earlier, so it counts." in page


def test_profile_queries_hold_with_training_records(signed_in: ClientFor, people: People,
                                                    django_assert_max_num_queries: Any) -> None:
    _make_morten_a_trainer(people)
    client = signed_in("morten")
    counts = []
    for username, runs in (("mads", 1), ("otto", 12)):
        profile = make_profile(people[username], accredited_on=None, accreditation_expires_on=None)
        for n in range(runs):
            make_enrolment(method_run(people), people[username], completed_on=days_ago(10 + n))
        with django_assert_max_num_queries(PROFILE_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(profile_url(profile)))
        counts.append(len(queries))
        assert f"on {days_ago(10)} (training record)." in page
    assert counts[0] == counts[1]


def test_register_queries_hold_with_training_records(signed_in: ClientFor, people: People,
                                                     django_assert_max_num_queries: Any) -> None:
    client = signed_in("carl")
    counts = []
    for total in (1, 40):
        MentorProfile.objects.filter(user__username__startswith="m").delete()
        for n in range(total):
            complete(people, untrained(f"m{total}x{n}"), days_ago(5))
        query = {"free": "on", "near": str(municipality("751").pk)}
        with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as queries:
            page = page_of(client.get(reverse("interventions:corps_list"), query))
        counts.append(len(queries))
        assert page.count("(training record); no expiry recorded.") == total
    assert counts[0] == counts[1]


def test_the_record_of_the_run_for_someone_who_may_not_open_it(people: People) -> None:
    run = method_run(people)
    make_enrolment(run, people["mads"], completed_on=days_ago(4))
    record = method_training_record(people["mads"].pk, viewer=people["rita"])
    assert record is not None and (record.run_id, record.completed_on, record.viewer_sees_run) == (
        run.pk, days_ago(4), False)
    tina = method_training_record(people["mads"].pk, viewer=people["tina"])
    assert tina is not None and tina.viewer_sees_run
    assert method_training_record(people["otto"].pk, viewer=people["tina"]) is None
