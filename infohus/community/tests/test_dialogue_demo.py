"""`manage.py demo_community`: Aarhus's partners with consenting contacts, a held meeting with
agreed points and follow-ups (one overdue), an upcoming meeting, two outreach events with
evaluations; made once, through the audited services, never in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from infohus.accounts.models import User
from infohus.accounts.tests.test_demo import PRODUCTION, _run
from infohus.audit.models import AuditEvent
from infohus.community.models import ContactPerson, DialogueMeeting, FollowUp, OutreachEvent, Partner, Topic
from infohus.community.selectors.dialogue import open_follow_ups

pytestmark = pytest.mark.django_db

MODELS = (Partner, ContactPerson, DialogueMeeting, Topic, FollowUp, OutreachEvent)
ACTIONS = ("community.partner_created", "community.contact_added", "community.meeting_recorded",
           "community.meeting_planned", "community.topic_added", "community.follow_up_added",
           "community.follow_up_done", "community.outreach_recorded")


def _command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (*(model.objects.count() for model in MODELS), AuditEvent.objects.filter(action__in=ACTIONS).count())


def test_the_demo_community_is_made_once_through_the_services() -> None:
    _command("demo")
    assert "3 partners of Aarhus" in _command("demo_community")
    first = _counts()
    assert "already present" in _command("demo_community")
    assert _counts() == first
    assert first[:6] == (3, 3, 2, 3, 3, 2)
    audited = {action: AuditEvent.objects.filter(action=action).count() for action in ACTIONS}
    assert audited == {"community.partner_created": 3, "community.contact_added": 3,
                       "community.meeting_recorded": 1, "community.meeting_planned": 1, "community.topic_added": 3,
                       "community.follow_up_added": 3, "community.follow_up_done": 1,
                       "community.outreach_recorded": 2}


def test_what_the_coordinator_finds() -> None:
    _command("demo")
    _command("demo_community")
    kamal = User.objects.get(username="kamal")
    today = timezone.localdate()
    assert {p.organisation.name[:6] for p in Partner.objects.select_related("organisation")} == {"Aarhus"}
    assert not ContactPerson.objects.filter(consent_withdrawn_on__isnull=False).exists()
    assert all(c.consent_given_on <= today and c.consent_how for c in ContactPerson.objects.all())
    held = DialogueMeeting.objects.get(status="held")
    assert held.held_on < today and held.agreed and held.partners.count() == 3 and held.authorities.count() == 2
    upcoming = DialogueMeeting.objects.get(status="planned")
    assert upcoming.held_on > today and upcoming.topics.count() == 1
    follow_ups = list(open_follow_ups(kamal))
    assert len(follow_ups) == 2 and follow_ups[0].due_on < today < follow_ups[1].due_on  # the overdue one first
    for event in OutreachEvent.objects.all():
        assert event.attendees is not None and sum(event.evaluation_counts.values()) <= event.attendees


def test_the_demo_community_needs_the_demo_people() -> None:
    with pytest.raises(CommandError, match="run `manage.py demo` first"):
        _command("demo_community")


def test_the_demo_community_refuses_in_production() -> None:
    result = _run("demo_community", **PRODUCTION)
    assert result.returncode != 0
    assert "never runs with INFOHUS_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
