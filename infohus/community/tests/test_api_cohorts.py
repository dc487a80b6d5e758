"""Youth cohorts in the API: a coordinator reads their organisation's cohorts and young participants
(every read of a young person audited, every list of names audited as a listing), records
modules, attendance, participants with consent, goals and progress; another organisation's
cohort is 404; a stale version is 409."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import GoalProgress, ModuleAttendance, YouthCohort, YouthGoal, YouthParticipant
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

COHORTS = "/api/v1/community/cohorts"
PARTICIPANTS = "/api/v1/community/participants"
TODAY = timezone.localdate()
YOUNG = {"first_name": "Sara", "last_name": "Testesen", "birth_date": str(date(TODAY.year - 16, 1, 1)),
         "joined_on": str(TODAY), "consent_given_on": str(TODAY), "consent_by": "parent",
         "parent_name": "Mor Testesen"}


@pytest.fixture
def kamal(people: dict[str, User]) -> Client:
    return api_client(people["kamal"])


def randers() -> Organisation:
    return Organisation.objects.get(name__startswith="Randers")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_cohorts_and_one_cohort_with_its_young_people(people: dict[str, User], kamal: Client) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=2)
    current = make_participant(cohort, first_name="Ali")
    gone = make_participant(cohort, first_name="Bo", left_on=TODAY)
    make_ambassador(current)
    make_cohort(created_by=people["kamal"], organisation=randers())

    listed = json_of(kamal.get(COHORTS))
    detail = json_of(kamal.get(f"{COHORTS}/{cohort.pk}"))

    assert [c["id"] for c in listed["results"]] == [cohort.pk]
    assert listed["results"][0]["participants"] == 1 and listed["results"][0]["modules"] == 2
    assert [p["first_name"] for p in detail["participants"]] == ["Ali", "Bo"]
    assert detail["participants"][0]["is_ambassador"] is True and detail["participants"][0]["age"] == 17
    assert detail["held"] == 2
    listing = AuditEvent.objects.get(action="community.listed", object_type="youthparticipant")
    assert listing.details["participants"] == sorted([current.pk, gone.pk])
    assert listing.purpose == "youth cohorts: cohort page"


def test_a_young_participant_is_an_audited_read(people: dict[str, User], kamal: Client) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    participant = make_participant(cohort)
    goal = YouthGoal.objects.create(participant=participant, text="Starte til fodbold", set_on=TODAY,
                                    recorded_by=people["kamal"])

    body = json_of(kamal.get(f"{PARTICIPANTS}/{participant.pk}"))

    assert body["first_name"] == participant.first_name and body["parent_name"] == "Forælder Testesen"
    assert [g["id"] for g in body["goals"]] == [goal.pk] and body["goals"][0]["progress"] == []
    assert [a["present"] for a in body["attendance"]] == [None, None, None]
    assert body["ambassador"] is None
    assert AuditEvent.objects.filter(action="community.viewed", object_type="youthparticipant",
                                     object_id=str(participant.pk), purpose="youth cohorts: participant page").exists()


def test_another_organisations_cohort_and_young_people_are_404(people: dict[str, User], kamal: Client) -> None:
    cohort = make_cohort(created_by=people["kamal"], organisation=randers())
    participant = make_participant(cohort)

    assert kamal.get(f"{COHORTS}/{cohort.pk}").status_code == 404
    assert kamal.get(f"{COHORTS}/{cohort.pk}/attendance").status_code == 404
    assert send(kamal, "POST", f"{COHORTS}/{cohort.pk}/participants", YOUNG).status_code == 404
    assert kamal.get(f"{PARTICIPANTS}/{participant.pk}").status_code == 404
    assert send(kamal, "POST", f"{PARTICIPANTS}/{participant.pk}/goals",
                {"text": "X", "set_on": str(TODAY)}).status_code == 404
    assert AuditEvent.objects.filter(action="community.refused").count() == 5
    assert not AuditEvent.objects.filter(action__in=["community.viewed", "community.listed"]).exists()
    assert YouthParticipant.objects.count() == 1


@pytest.mark.parametrize("username", ["yasmin", "carl", "anders"])
def test_only_community_coordinators(people: dict[str, User], username: str) -> None:
    client = api_client(people[username])
    cohort = make_cohort(created_by=people["kamal"])
    participant = make_participant(cohort)

    assert client.get(COHORTS).status_code == 403
    assert client.get(f"{COHORTS}/{cohort.pk}").status_code == 403
    assert client.get(f"{PARTICIPANTS}/{participant.pk}").status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_queries_do_not_grow_with_cohorts_or_young_people(people: dict[str, User], kamal: Client,
                                                          django_assert_max_num_queries: Any, count: int) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    for n in range(count):
        make_ambassador(make_participant(cohort, age=19))
        make_participant(make_cohort(created_by=people["kamal"], name=f"Hold {n}"))

    # The token (and its last-used mark), the memberships, the count, the page of cohorts.
    with django_assert_max_num_queries(5):
        assert json_of(kamal.get(COHORTS, {"page_size": 100}))["count"] == count + 1
    # The token, the memberships, the cohort, its modules, participants (with their ambassador
    # records) and attendance, the audited listing (its savepoint and release, the chain's last link,
    # the event, PostgreSQL's lock).
    with django_assert_max_num_queries(11):
        assert len(json_of(kamal.get(f"{COHORTS}/{cohort.pk}"))["participants"]) == count
    with django_assert_max_num_queries(11):
        assert len(json_of(kamal.get(f"{COHORTS}/{cohort.pk}/attendance"))["rows"]) == count


def test_a_coordinator_creates_and_changes_a_cohort(kamal: Client) -> None:
    body = {"programme": "CoCoRa", "name": "Forår", "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(30))}

    created = send(kamal, "POST", COHORTS, body)
    cohort_id = json_of(created)["id"]
    changed = send(kamal, "PUT", f"{COHORTS}/{cohort_id}", {**body, "place": "Gellerup", "version": 1})
    stale = send(kamal, "PUT", f"{COHORTS}/{cohort_id}", {**body, "place": "Hasle", "version": 1})
    backwards = send(kamal, "POST", COHORTS, {**body, "ends_on": str(TODAY - timedelta(days=1))})

    assert created.status_code == 201 and json_of(created)["organisation"]["name"].startswith("Aarhus")
    assert changed.status_code == 200 and json_of(changed)["version"] == 2
    assert stale.status_code == 409 and YouthCohort.objects.get(pk=cohort_id).place == "Gellerup"
    assert backwards.status_code == 422 and "ends_on" in json_of(backwards)["error"]["fields"]


def test_modules_and_attendance(people: dict[str, User], kamal: Client) -> None:
    cohort = make_cohort(created_by=people["kamal"], modules=1)
    ali = make_participant(cohort)
    bo = make_participant(cohort, left_on=cohort.starts_on + timedelta(days=1))
    module = cohort.modules.get()

    added = send(kamal, "POST", f"{COHORTS}/{cohort.pk}/modules", {"number": 2, "title": "Fællesskab"})
    twice = send(kamal, "POST", f"{COHORTS}/{cohort.pk}/modules", {"number": 2, "title": "Igen"})
    saved = send(kamal, "PUT", f"{COHORTS}/{cohort.pk}/attendance",
                 {"cells": [{"participant": ali.pk, "module": module.pk, "present": True}]})
    refused = send(kamal, "PUT", f"{COHORTS}/{cohort.pk}/attendance",
                   {"cells": [{"participant": bo.pk, "module": module.pk, "present": True}]})

    assert added.status_code == 201 and twice.status_code == 422
    assert saved.status_code == 200 and json_of(saved)["recorded"] == 1
    row = next(r for r in json_of(saved)["rows"] if r["participant"] == ali.pk)
    assert row["cells"][0] == {"module": module.pk, "present": True, "recorded": True, "refusal": ""}
    bo_row = next(r for r in json_of(saved)["rows"] if r["participant"] == bo.pk)
    assert "left the cohort" in bo_row["cells"][0]["refusal"]
    assert refused.status_code == 422 and "left the cohort" in json_of(refused)["error"]["fields"]["__all__"][0]
    assert ModuleAttendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="community.attendance_recorded", object_id=str(cohort.pk)).exists()


def test_a_young_person_joins_only_with_consent(people: dict[str, User], kamal: Client) -> None:
    cohort = make_cohort(created_by=people["kamal"])

    joined = send(kamal, "POST", f"{COHORTS}/{cohort.pk}/participants", YOUNG)
    without_parent = send(kamal, "POST", f"{COHORTS}/{cohort.pk}/participants",
                          {**YOUNG, "consent_by": "self", "parent_name": ""})

    assert joined.status_code == 201 and json_of(joined)["age"] == 16
    assert without_parent.status_code == 422 and "consent_by" in json_of(without_parent)["error"]["fields"]
    assert YouthParticipant.objects.count() == 1


def test_a_participants_record_goals_and_progress(people: dict[str, User], kamal: Client) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))

    changed = send(kamal, "PUT", f"{PARTICIPANTS}/{participant.pk}", {
        **YOUNG, "birth_date": str(participant.birth_date), "joined_on": str(participant.joined_on),
        "consent_given_on": str(participant.consent_given_on), "first_name": "Sarah", "version": 1})
    stale = send(kamal, "PUT", f"{PARTICIPANTS}/{participant.pk}", {
        **YOUNG, "birth_date": str(participant.birth_date), "joined_on": str(participant.joined_on),
        "consent_given_on": str(participant.consent_given_on), "version": 1})
    goal = send(kamal, "POST", f"{PARTICIPANTS}/{participant.pk}/goals", {"text": "Få et fritidsjob",
                                                                          "set_on": str(TODAY)})
    progress = send(kamal, "POST", f"/api/v1/community/goals/{json_of(goal)['id']}/progress",
                    {"noted_on": str(TODAY), "progress": "good_progress", "note": "Har søgt to steder."})
    future = send(kamal, "POST", f"/api/v1/community/goals/{json_of(goal)['id']}/progress",
                  {"noted_on": str(TODAY + timedelta(days=1)), "progress": "reached"})

    assert changed.status_code == 200 and json_of(changed)["first_name"] == "Sarah"
    assert stale.status_code == 409
    assert goal.status_code == 201 and progress.status_code == 201
    assert json_of(progress)["recorded_by"]["username"] == "kamal"
    assert future.status_code == 422 and "noted_on" in json_of(future)["error"]["fields"]
    detail = json_of(kamal.get(f"{PARTICIPANTS}/{participant.pk}"))
    assert [n["progress"] for n in detail["goals"][0]["progress"]] == ["good_progress"]


@pytest.mark.parametrize("count", [1, 12])
def test_a_participant_takes_the_same_queries_however_many_goals(people: dict[str, User], kamal: Client,
                                                                 django_assert_max_num_queries: Any,
                                                                 count: int) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"], modules=count))
    for n in range(count):
        goal = YouthGoal.objects.create(participant=participant, text=f"Mål {n}", set_on=TODAY,
                                        recorded_by=people["kamal"])
        GoalProgress.objects.create(goal=goal, noted_on=TODAY, progress="started", recorded_by=people["kamal"])
    kamal.get(COHORTS)  # the token's last-used mark

    # The token, the memberships, the participant and its audited read (its savepoint and release,
    # the chain's last link, the event, PostgreSQL's lock), the goals with their progress notes (2),
    # the modules and the attendance.
    with django_assert_max_num_queries(12):
        assert len(json_of(kamal.get(f"{PARTICIPANTS}/{participant.pk}"))["goals"]) == count
