"""The ambassador programme: a coordinator makes a young participant an ambassador (optionally with
their account), records the modules done and marks them ready to act (refused until every module
is done); activities are logged only once ready. The ambassador's own pages show their modules,
readiness, activities and reports with what happens next; without an ambassador record they are
404. Query counts are pinned and hold with more data."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorModule,
    AmbassadorModuleDone,
    PeerReport,
)
from infohus.community.services import ambassadors as services
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant, make_report

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# Every page: the request (4) and the session saved at the end (3); an audit event is 4, 5 on
# PostgreSQL. The list: its count and page (2) and the audited listing (5).
LIST_QUERIES = 14
# An ambassador: the ambassador with participant, cohort and account (1) and its audited read (5);
# modules done, the activities' totals and latest, the reports (4).
DETAIL_QUERIES = 17
# The ambassador's own page: the ambassador capability and record (2), the audited read (5), the
# same four reads as the coordinator's page.
OWN_QUERIES = 18


def url(name: str, *args: int) -> str:
    return reverse(f"community:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def all_modules_done(ambassador: Ambassador, by: User) -> None:
    AmbassadorModuleDone.objects.bulk_create(
        AmbassadorModuleDone(ambassador=ambassador, module=m, completed_on=TODAY, recorded_by=by)
        for m in AmbassadorModule)


def yasmins(people: People, *, ready: bool = True) -> Ambassador:
    cohort = make_cohort(created_by=people["kamal"])
    return make_ambassador(make_participant(cohort, age=19, first_name="Yasmin", last_name="Bakkegaard"),
                           user=people["yasmin"], ready=ready)


# --- becoming an ambassador -------------------------------------------------------------------------------

def test_a_participant_becomes_an_ambassador_with_their_account(signed_in: ClientFor, people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), age=19)
    client = signed_in("kamal")
    page = page_of(client.get(url("ambassador_start", participant.pk)))
    assert "Yasmin Bakkegaard (yasmin)" in page and "Carl" not in page  # only ambassadors of Aarhus
    response = client.post(url("ambassador_start", participant.pk), {"user": str(people["yasmin"].pk),
                                                                     "started_on": str(TODAY)})
    ambassador = Ambassador.objects.get()
    assert response.status_code == 302 and response["Location"] == url("ambassador_detail", ambassador.pk)
    assert (ambassador.participant, ambassador.user, ambassador.ready_on) == (participant, people["yasmin"], None)
    assert AuditEvent.objects.filter(action="community.ambassador_started", object_id=str(ambassador.pk)).exists()
    # Once is enough: the form now leads to the ambassador's page.
    assert client.get(url("ambassador_start", participant.pk))["Location"] == url("ambassador_detail", ambassador.pk)


def test_only_an_ambassador_account_of_the_organisation_is_linked(people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]))
    with pytest.raises(ValidationError) as error:
        services.start_ambassador(actor=people["kamal"], participant=participant, started_on=TODAY,
                                  user=people["carl"])
    assert list(error.value.message_dict) == ["user"]
    assert not Ambassador.objects.exists()


def test_someone_who_left_cannot_become_an_ambassador(signed_in: ClientFor, people: People) -> None:
    participant = make_participant(make_cohort(created_by=people["kamal"]), first_name="Mikkel",
                                   left_on=TODAY - timedelta(days=3))
    page = page_of(signed_in("kamal").post(url("ambassador_start", participant.pk), {"started_on": str(TODAY)}), 400)
    assert "left the cohort on" in page and "only a current participant can become an ambassador" in page
    assert not Ambassador.objects.exists()


# --- training and readiness --------------------------------------------------------------------------------

def test_ready_to_act_is_refused_until_every_module_is_done(signed_in: ClientFor, people: People) -> None:
    ambassador = make_ambassador(make_participant(make_cohort(created_by=people["kamal"])), ready=False)
    client = signed_in("kamal")
    response = client.post(url("ambassador_module_done", ambassador.pk),
                           {"module": AmbassadorModule.ROLE, "completed_on": str(TODAY)})
    assert response.status_code == 302
    page = page_of(client.post(url("ambassador_ready", ambassador.pk), {"version": "1"}), 400)
    assert "is not ready to act until every module is done. Still to do: Having a conversation with a peer;" in page
    ambassador.refresh_from_db()
    assert ambassador.ready_on is None
    for module in AmbassadorModule:
        if module != AmbassadorModule.ROLE:
            services.record_module_done(actor=people["kamal"], ambassador=ambassador, module=module,
                                        completed_on=TODAY)
    assert client.post(url("ambassador_ready", ambassador.pk), {"version": "1"}).status_code == 302
    ambassador.refresh_from_db()
    assert ambassador.ready_on == TODAY and ambassador.version == 2
    page = page_of(client.get(url("ambassador_detail", ambassador.pk)))
    assert f"Yes, since {TODAY}" in page and "5 of 5 done" in page


def test_a_module_is_done_once(signed_in: ClientFor, people: People) -> None:
    ambassador = make_ambassador(make_participant(make_cohort(created_by=people["kamal"])), ready=False)
    services.record_module_done(actor=people["kamal"], ambassador=ambassador, module=AmbassadorModule.ROLE,
                                completed_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.record_module_done(actor=people["kamal"], ambassador=ambassador, module=AmbassadorModule.ROLE,
                                    completed_on=TODAY)
    assert "has already completed “The ambassador's role and its limits”" in error.value.message_dict["module"][0]
    page = page_of(signed_in("kamal").get(url("ambassador_module_done", ambassador.pk)))
    assert 'value="role"' not in page and 'value="presenting"' in page


def test_a_stale_ready_answers_409(signed_in: ClientFor, people: People) -> None:
    ambassador = make_ambassador(make_participant(make_cohort(created_by=people["kamal"])), ready=False)
    all_modules_done(ambassador, people["kamal"])
    Ambassador.objects.filter(pk=ambassador.pk).update(version=3)
    page = page_of(signed_in("kamal").post(url("ambassador_ready", ambassador.pk), {"version": "1"}), 409)
    assert "Someone else saved this record after you opened it." in page
    ambassador.refresh_from_db()
    assert ambassador.ready_on is None


def test_activities_are_logged_only_once_ready(signed_in: ClientFor, people: People) -> None:
    ambassador = make_ambassador(make_participant(make_cohort(created_by=people["kamal"])), ready=False)
    client = signed_in("kamal")
    page = page_of(client.get(url("activity_new", ambassador.pk)))
    assert "Activities can be logged once the ambassador is ready to act" in page and "<form" not in page.split(
        'data-testid="notice"')[1]
    typed = {"kind": "presentation", "held_on": str(TODAY), "people_reached": "25", "note": "I en 9. klasse"}
    page = page_of(client.post(url("activity_new", ambassador.pk), typed), 400)
    assert "Activities can be logged once the ambassador is ready to act" in page
    assert not AmbassadorActivity.objects.exists()
    Ambassador.objects.filter(pk=ambassador.pk).update(ready_on=TODAY)
    page = page_of(client.post(url("activity_new", ambassador.pk),
                               {**typed, "held_on": str(TODAY + timedelta(days=1))}), 400)
    assert "An activity cannot be logged before it happens: the date is in the future." in page
    assert "I en 9. klasse" in page
    assert client.post(url("activity_new", ambassador.pk), typed).status_code == 302
    activity = AmbassadorActivity.objects.get()
    assert (activity.people_reached, activity.logged_by) == (25, people["kamal"])
    event = AuditEvent.objects.get(action="community.activity_logged")
    assert "9. klasse" not in str(event.details) and event.details["by_the_ambassador"] is False


def test_ambassador_queries_do_not_grow(signed_in: ClientFor, people: People,
                                        django_assert_max_num_queries: Any) -> None:
    cohort = make_cohort(created_by=people["kamal"])
    client = signed_in("kamal")
    first = make_ambassador(make_participant(cohort))
    for total in (1, 12):
        while Ambassador.objects.count() < total:
            a = make_ambassador(make_participant(cohort))
            make_report(a)
        for _n in range(total):
            AmbassadorActivity.objects.create(ambassador=first, kind="event", held_on=TODAY, people_reached=3,
                                              logged_by=people["kamal"])
            make_report(first)
        with django_assert_max_num_queries(LIST_QUERIES):
            page = page_of(client.get(url("ambassador_list")))
        assert page.count('data-testid="ambassador-row"') == total
        with django_assert_max_num_queries(DETAIL_QUERIES):
            page = page_of(client.get(url("ambassador_detail", first.pk)))
        assert page.count('data-testid="activity"') == AmbassadorActivity.objects.count()


# --- the ambassador's own pages ------------------------------------------------------------------------------

def test_the_ambassador_sees_their_own_work_and_replies(signed_in: ClientFor, people: People,
                                                        django_assert_max_num_queries: Any) -> None:
    mine = yasmins(people)
    all_modules_done(mine, people["kamal"])
    make_report(mine, status=PeerReport.Status.CLOSED, reply="Vi har talt med biblioteket.")
    someone_else = make_ambassador(make_participant(mine.participant.cohort))
    make_report(someone_else, text="Andres rapport")
    client = signed_in("yasmin")
    for total in (1, 6):
        while AmbassadorActivity.objects.filter(ambassador=mine).count() < total:
            AmbassadorActivity.objects.create(ambassador=mine, kind="event", held_on=TODAY, people_reached=3,
                                              logged_by=people["yasmin"])
        with django_assert_max_num_queries(OWN_QUERIES):
            page = page_of(client.get(url("my_ambassador")))
        assert page.count('data-testid="activity"') == total
    assert "Vi har talt med biblioteket." in page and "Andres rapport" not in page
    assert f"You have been ready to act since {TODAY - timedelta(days=10)}." in page
    assert "call 112" in page
    assert AuditEvent.objects.filter(action="community.viewed", object_type="ambassador", actor_username="yasmin",
                                     object_id=str(mine.pk)).exists()


def test_without_an_ambassador_record_the_own_pages_are_404(signed_in: ClientFor, people: People) -> None:
    client = signed_in("yasmin")
    for name in ("my_ambassador", "my_activity_new", "report_new"):
        assert client.get(url(name)).status_code == 404, name
    ended = yasmins(people)
    Ambassador.objects.filter(pk=ended.pk).update(ended_on=TODAY)
    assert client.get(url("my_ambassador")).status_code == 404


@pytest.mark.parametrize("username", ["kamal", "carl", "mads"])
def test_only_ambassadors_have_own_pages(signed_in: ClientFor, username: str) -> None:
    assert signed_in(username).get(url("my_ambassador")).status_code == 403


def test_the_ambassador_cannot_open_the_coordinators_pages(signed_in: ClientFor, people: People) -> None:
    mine = yasmins(people)
    report = make_report(mine)
    client = signed_in("yasmin")
    for address in (url("ambassador_detail", mine.pk), url("report_detail", report.pk), url("inbox"),
                    url("participant_detail", mine.participant_id)):
        assert client.get(address).status_code == 403, address


def test_the_ambassador_logs_their_own_activity_once_ready(signed_in: ClientFor, people: People) -> None:
    mine = yasmins(people, ready=False)
    client = signed_in("yasmin")
    page = page_of(client.get(url("my_ambassador")))
    assert "You can log your activities once you are ready to act." in page
    typed = {"kind": "peer_conversation", "held_on": str(TODAY), "people_reached": "1", "note": "Om skolen"}
    page_of(client.post(url("my_activity_new"), typed), 400)
    Ambassador.objects.filter(pk=mine.pk).update(ready_on=TODAY)
    response = client.post(url("my_activity_new"), typed)
    assert response.status_code == 302 and response["Location"] == url("my_ambassador") + "#activities"
    activity = AmbassadorActivity.objects.get()
    assert activity.logged_by == people["yasmin"] and activity.ambassador == mine
    assert AuditEvent.objects.get(action="community.activity_logged").details["by_the_ambassador"] is True


def test_reporting_someone_at_risk_says_plainly_what_happens(signed_in: ClientFor, people: People) -> None:
    mine = yasmins(people)
    client = signed_in("yasmin")
    page = page_of(client.get(url("report_new")))
    assert "a professional will read your report and decide what to do. If someone is in immediate danger, call " \
           "112 now." in page
    page_of(client.post(url("report_new"), {"kind": "concern", "text": "  "}), 400)
    assert not PeerReport.objects.exists()
    response = client.post(url("report_new"), {"kind": "concern", "text": "En fra holdet taler om at rejse ud.",
                                               "someone_at_risk": "on"}, follow=True)
    report = PeerReport.objects.get()
    assert (report.ambassador, report.reported_by, report.someone_at_risk) == (mine, people["yasmin"], True)
    page = page_of(response)
    assert "You said someone may be at risk. A professional will read your report and decide what to do. If " \
           "someone is in immediate danger, call 112 now." in page
    assert f'id="report-{report.pk}"' in page and "Your coordinator has not read it yet." in page
    event = AuditEvent.objects.get(action="community.report_submitted")
    assert "rejse" not in str(event.details) and event.details["someone_at_risk"] is True


def test_an_ambassador_of_another_organisation_is_404_for_the_coordinator(signed_in: ClientFor,
                                                                          people: People) -> None:
    randers = make_cohort(created_by=people["rita"], organisation=Organisation.objects.get(name__startswith="Randers"))
    ambassador = make_ambassador(make_participant(randers))
    client = signed_in("kamal")
    assert client.get(url("ambassador_detail", ambassador.pk)).status_code == 404
    assert client.post(url("ambassador_ready", ambassador.pk), {"version": "1"}).status_code == 404
    assert "ambassador-row" not in page_of(client.get(url("ambassador_list")))
