"""The rules of ambassadors' reports (services/reports.py): only the ambassador reports from their
own record; a report is handled once (to a dialogue meeting, to the desk, or closed), except that
one taken to a dialogue meeting may be closed afterwards; a stale version changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infohus.accounts.models import User
from infohus.community.models import Ambassador, DialogueMeeting, PeerReport, Topic
from infohus.community.services import reports as services
from infohus.community.tests.factories import make_ambassador, make_cohort, make_participant, make_report
from infohus.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()
S = PeerReport.Status


def yasmins(people: People, **fields: object) -> Ambassador:
    return make_ambassador(make_participant(make_cohort(created_by=people["kamal"]), age=19), user=people["yasmin"],
                           **fields)


def test_only_the_ambassador_themself_reports(people: People) -> None:
    without_account = make_ambassador(make_participant(make_cohort(created_by=people["kamal"])))
    with pytest.raises(PermissionDenied):
        services.submit_report(actor=people["kamal"], ambassador=without_account, kind="need", text="Noget")
    ended = yasmins(people, ended_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.submit_report(actor=people["yasmin"], ambassador=ended, kind="need", text="Noget")
    assert not PeerReport.objects.exists()


def test_a_report_needs_a_kind_and_words(people: People) -> None:
    with pytest.raises(ValidationError) as error:
        services.submit_report(actor=people["yasmin"], ambassador=yasmins(people), kind="gossip", text=" ")
    assert set(error.value.message_dict) == {"kind", "text"}


def test_a_report_from_dialogue_may_be_closed_afterwards(people: People) -> None:
    report = make_report(yasmins(people))
    topic = services.take_to_dialogue(actor=people["kamal"], report=report, version=1, title="Mødested",
                                      new_meeting_on=TODAY + timedelta(days=2))
    assert report.status == S.DIALOGUE and topic.meeting.status == DialogueMeeting.Status.PLANNED
    with pytest.raises(ValidationError, match="already been handled"):
        services.take_to_dialogue(actor=people["kamal"], report=report, version=report.version, title="Igen",
                                  new_meeting_on=TODAY)
    closed = services.close_report(actor=people["kamal"], report=report, version=report.version,
                                   reply="Det blev drøftet; klubben holder åbent til kl. 22.")
    assert closed.status == S.CLOSED and Topic.objects.count() == 1


def test_a_stale_version_changes_nothing(people: People) -> None:
    report = make_report(yasmins(people))
    with pytest.raises(StaleEdit) as stale:
        services.close_report(actor=people["kamal"], report=report, version=7, reply="Tak")
    assert stale.value.current.status == S.NEW  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert (report.status, report.reply, report.version) == (S.NEW, "", 1)


def test_another_organisations_coordinator_may_not_handle_it(people: People) -> None:
    report = make_report(yasmins(people))
    with pytest.raises(PermissionDenied):
        services.close_report(actor=people["rita"], report=report, version=1, reply="Tak")
    with pytest.raises(PermissionDenied):
        services.mark_read(actor=people["carl"], report=report)
