"""The youth cohort pages: who opens them, the forms and their refusals (400, the message at its
field, everything typed kept, nothing saved), a stale edit (409 with the current values), the
attendance grid and the participant page with goals and progress over time. Reads of a young
person are audited. Query counts are pinned and hold with more data."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import (
    CohortModule,
    GoalProgress,
    ModuleAttendance,
    YouthCohort,
    YouthGoal,
    YouthParticipant,
)
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# Every page: the request itself (session, user, second factor, memberships: 4) and the session
# saved at the end (3). An audit event is 4 (savepoint, the chain's last row, the insert, release),
# and 5 on PostgreSQL (its advisory lock).
# The list: its count and page (2).
LIST_QUERIES = 9
# A cohort: the cohort (1); its modules, participants with their ambassador, attendance counts (3);
# the audited listing of the participants shown (5).
DETAIL_QUERIES = 16
# A participant: the participant with cohort and ambassador (1) and its audited read (5); the goals
# and their progress notes (2); the cohort's modules and the attendance (2).
PARTICIPANT_QUERIES = 17
# The grid: the cohort (1); modules, participants, attendance (3); the audited listing (5).
GRID_QUERIES = 16


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def randers_cohort(people: People) -> YouthCohort:
    return make_cohort(created_by=people["rita"], organisation=Organisation.objects.get(name__startswith="Randers"))


# --- who opens what --------------------------------------------------------------------------------------

def test_the_coordinator_sees_the_cohorts_of_the_organisation(signed_in: ClientFor, people: People) -> None:
    make_cohort(created_by=people["kamal"], name="Gellerup forår")
    randers_cohort(people)
    page = page_of(signed_in("kamal").get(url("cohort_list")))
    assert "Gellerup forår" in page and "1 cohort" in page


@pytest.mark.parametrize("username", ["carl", "yasmin", "tina", "ida"])
def test_others_may_not_open_the_cohorts(signed_in: ClientFor, people: People, username: str) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    client = signed_in(username)
    assert client.get(url("cohort_list")).status_code == 403
    assert client.get(url("cohort_detail", cohort.pk)).status_code == 403


def test_a_cohort_of_another_organisation_is_404_and_audited(signed_in: ClientFor, people: People) -> None:
    cohort = randers_cohort(people)
    participant = make_participant(cohort)
    client = signed_in("kamal")
    assert client.get(url("cohort_detail", cohort.pk)).status_code == 404
    assert client.get(url("participant_detail", participant.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="community.refused", actor_username="kamal",
                                     object_type="youthparticipant", object_id=str(participant.pk)).exists()


# --- cohorts -----------------------------------------------------------------------------------------------

def test_a_cohort_is_created(signed_in: ClientFor, people: People) -> None:
    response = signed_in("kamal").post(url("cohort_new"), {
        "programme": "CoCoRa", "name": "Efterår", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(days=60)),
        "place": "Gellerup"})
    cohort = YouthCohort.objects.get()
    assert response.status_code == 302 and response["Location"] == url("cohort_detail", cohort.pk)
    assert cohort.organisation.name.startswith("Aarhus") and cohort.created_by == people["kamal"]


def test_an_end_before_the_start_is_refused_with_what_was_typed(signed_in: ClientFor) -> None:
    page = page_of(signed_in("kamal").post(url("cohort_new"), {
        "programme": "CoCoRa", "name": "Efterår", "starts_on": str(TODAY), "ends_on": str(TODAY - timedelta(days=1))}),
        400)
    assert f"The cohort cannot end before it starts: it starts on {TODAY}." in page
    assert 'value="Efterår"' in page and 'value="CoCoRa"' in page
    assert not YouthCohort.objects.exists()


def test_a_stale_edit_answers_409_with_the_current_values(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], name="Gammelt navn", modules=0)
    YouthCohort.objects.filter(pk=cohort.pk).update(name="Andens navn", version=2)
    page = page_of(signed_in("kamal").post(url("cohort_edit", cohort.pk), {
        "programme": "CoCoRa", "name": "Mit navn", "starts_on": str(cohort.starts_on),
        "ends_on": str(cohort.ends_on), "version": "1"}), 409)
    assert "Someone else saved this record after you opened it." in page
    assert 'data-testid="current-values"' in page and "Andens navn" in page
    assert 'value="Mit navn"' in page and 'name="version" value="2"' in page
    cohort.refresh_from_db()
    assert cohort.name == "Andens navn"


def test_a_module_is_added_with_the_next_number(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)
    client = signed_in("kamal")
    assert 'name="number" value="3"' in page_of(client.get(url("module_new", cohort.pk)))
    response = client.post(url("module_new", cohort.pk), {"number": "3", "title": "Demokrati", "held_on": str(TODAY)})
    assert response.status_code == 302
    assert CohortModule.objects.get(cohort=cohort, number=3).title == "Demokrati"
    page = page_of(client.post(url("module_new", cohort.pk), {"number": "3", "title": "Igen"}), 400)
    assert "The cohort already has a module number 3." in page


def test_list_queries_do_not_grow_with_cohorts(signed_in: ClientFor, people: People,
                                               django_assert_max_num_queries: Any) -> None:
    client = signed_in("kamal")
    for total in (1, 30):
        while YouthCohort.objects.count() < total:
            make_participant(make_cohort(created_by=people["kamal"]))
        with django_assert_max_num_queries(LIST_QUERIES):
            page_of(client.get(url("cohort_list")))


def test_cohort_page_shows_participants_and_pins_its_queries(signed_in: ClientFor, people: People,
                                                             django_assert_max_num_queries: Any) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=4)
    client = signed_in("kamal")
    for total in (1, 25):
        while YouthParticipant.objects.filter(cohort=cohort).count() < total:
            p = make_participant(cohort)
            ModuleAttendance.objects.bulk_create(ModuleAttendance(participant=p, module=m, present=True,
                                                                  recorded_by=people["kamal"])
                                                 for m in cohort.modules.all()[:3])
        make_ambassador(p)
        with django_assert_max_num_queries(DETAIL_QUERIES):
            page = page_of(client.get(url("cohort_detail", cohort.pk)))
        assert f"{total} participant" in page and "3 modules" in page and "(ambassador)" in page
    listed = AuditEvent.objects.filter(action="community.listed", object_type="youthparticipant").order_by("seq").last()
    assert listed is not None and len(listed.details["participants"]) == 25


# --- participants --------------------------------------------------------------------------------------------

def test_a_young_person_under_18_joins_only_with_a_parents_consent(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    consent_on = TODAY - timedelta(days=5)
    typed = {"first_name": "Ali", "last_name": "Demir", "birth_date": str(TODAY - timedelta(days=365 * 16)),
             "joined_on": str(TODAY), "consent_given_on": str(consent_on), "consent_by": "self"}
    client = signed_in("kamal")
    page = page_of(client.post(url("participant_new", cohort.pk), typed), 400)
    assert f"Ali Demir was 15 on the day consent was given ({consent_on})." in page
    assert 'id="id_consent_by_error"' in page and 'value="Demir"' in page
    assert not YouthParticipant.objects.exists()
    response = client.post(url("participant_new", cohort.pk), {**typed, "consent_by": "parent",
                                                                 "parent_name": "Fatma Demir"})
    participant = YouthParticipant.objects.get()
    assert response.status_code == 302 and response["Location"] == url("participant_detail", participant.pk)
    assert participant.parent_name == "Fatma Demir"


def test_a_birth_date_in_the_future_is_refused(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    page = page_of(signed_in("kamal").post(url("participant_new", cohort.pk), {
        "first_name": "Ali", "last_name": "Demir", "birth_date": str(TODAY + timedelta(days=3)),
        "joined_on": str(TODAY), "consent_given_on": str(TODAY + timedelta(days=1)), "consent_by": "self"}), 400)
    assert "The date of birth cannot be in the future." in page
    assert "The consent date cannot be in the future" in page
    assert not YouthParticipant.objects.exists()


def test_the_participant_page_shows_goals_with_progress_over_time(signed_in: ClientFor, people: People,
                                                                 django_assert_max_num_queries: Any) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), first_name="Sara",
                                   parent_name="Henrik Lindholm")
    client = signed_in("kamal")
    for total in (1, 8):
        while YouthGoal.objects.filter(participant=participant).count() < total:
            goal = YouthGoal.objects.create(participant=participant, text=f"Mål {total}", set_on=participant.joined_on,
                                            recorded_by=people["kamal"])
            for days, progress in ((10, "not_started"), (30, "started"), (50, "good_progress")):
                GoalProgress.objects.create(goal=goal, noted_on=participant.joined_on + timedelta(days=days),
                                            progress=progress, recorded_by=people["kamal"])
        with django_assert_max_num_queries(PARTICIPANT_QUERIES):
            page = page_of(client.get(url("participant_detail", participant.pk)))
        assert page.count('data-testid="goal"') == total
    assert "Given by Henrik Lindholm (parent or guardian)" in page
    assert "Latest: Good progress" in page and "Not started" in page
    assert AuditEvent.objects.filter(action="community.viewed", object_type="youthparticipant",
                                     object_id=str(participant.pk)).count() == 2


def test_goal_and_progress_are_added(signed_in: ClientFor, people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))
    client = signed_in("kamal")
    assert client.post(url("goal_new", participant.pk), {"text": "Elevrådet", "set_on": str(TODAY)}).status_code == 302
    goal = YouthGoal.objects.get()
    page = page_of(client.post(url("progress_new", goal.pk), {"noted_on": str(TODAY + timedelta(days=1)),
                                                              "progress": "started", "note": "Talt med læreren"}), 400)
    assert "Progress cannot be noted in the future" in page and "Talt med læreren" in page
    response = client.post(url("progress_new", goal.pk), {"noted_on": str(TODAY), "progress": "reached"})
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    assert GoalProgress.objects.get().progress == "reached"


def test_a_stale_participant_edit_answers_409(signed_in: ClientFor, people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), first_name="Sara")
    YouthParticipant.objects.filter(pk=participant.pk).update(first_name="Sarah", version=2)
    page = page_of(signed_in("kamal").post(url("participant_edit", participant.pk), {
        "first_name": "Saraa", "last_name": participant.last_name, "birth_date": str(participant.birth_date),
        "joined_on": str(participant.joined_on), "consent_given_on": str(participant.consent_given_on),
        "consent_by": "parent", "parent_name": "Mor", "version": "1"}), 409)
    assert "Sarah" in page and 'value="Saraa"' in page
    participant.refresh_from_db()
    assert participant.first_name == "Sarah"


# --- attendance --------------------------------------------------------------------------------------------

def test_the_attendance_grid_saves_ticks(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)
    m1, m2 = CohortModule.objects.filter(cohort=cohort).order_by("number")
    a, b = make_participant(cohort), make_participant(cohort)
    client = signed_in("kamal")
    page = page_of(client.get(url("cohort_attendance", cohort.pk)))
    assert page.count('name="present"') == 4
    response = client.post(url("cohort_attendance", cohort.pk), {
        "cell": [f"{a.pk}:{m1.pk}", f"{a.pk}:{m2.pk}", f"{b.pk}:{m1.pk}", f"{b.pk}:{m2.pk}"],
        "present": [f"{a.pk}:{m1.pk}", f"{b.pk}:{m2.pk}"]})
    assert response.status_code == 302
    assert {(r.participant_id, r.module_id) for r in ModuleAttendance.objects.filter(present=True)} == {
        (a.pk, m1.pk), (b.pk, m2.pk)}
    assert ModuleAttendance.objects.filter(present=False).count() == 2


def test_a_refused_grid_names_the_problem_and_keeps_the_ticks(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)
    m1, m2 = CohortModule.objects.filter(cohort=cohort).order_by("number")
    stays = make_participant(cohort)
    left = make_participant(cohort, first_name="Mikkel", last_name="Sandgaard", left_on=m1.held_on)
    client = signed_in("kamal")
    page = page_of(client.get(url("cohort_attendance", cohort.pk)))
    assert page.count('name="present"') == 3  # the module after Mikkel left is not editable
    page = page_of(client.post(url("cohort_attendance", cohort.pk), {
        "cell": [f"{stays.pk}:{m1.pk}", f"{stays.pk}:{m2.pk}"],
        "present": [f"{stays.pk}:{m2.pk}", f"{left.pk}:{m2.pk}"]}), 400)
    assert "Nothing was saved" in page
    assert f"Mikkel Sandgaard left the cohort on {m1.held_on}, before module 2. Modul 2 was held" in page
    assert f'value="{stays.pk}:{m2.pk}" id="present-{stays.pk}-{m2.pk}" checked' in page
    assert not ModuleAttendance.objects.exists()
    page = page_of(client.post(url("cohort_attendance", cohort.pk), {"present": ["rubbish"]}), 400)
    assert "The attendance could not be read." in page


def test_grid_queries_do_not_grow(signed_in: ClientFor, people: People, django_assert_max_num_queries: Any) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=6)
    client = signed_in("kamal")
    for total in (1, 20):
        while YouthParticipant.objects.filter(cohort=cohort).count() < total:
            make_participant(cohort)
        with django_assert_max_num_queries(GRID_QUERIES):
            page = page_of(client.get(url("cohort_attendance", cohort.pk)))
        assert page.count('name="present"') == total * 6


def test_an_empty_post_says_what_is_missing(signed_in: ClientFor, people: People) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    page = page_of(signed_in("kamal").post(url("participant_new", cohort.pk), {}), 400)
    assert page.count("This field is required.") >= 5
    assert not YouthParticipant.objects.exists()
