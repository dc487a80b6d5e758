"""services/dialogue.py: plan_meeting and add_topic (the public functions the ambassadors' inbox
uses), follow-ups with their owner and due date, marking done, and optimistic edits of meetings."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.community.models import DialogueMeeting, FollowUp, Topic
from infohus.community.services import dialogue as services
from infohus.community.tests.factories import (
    make_ambassador,
    make_cohort,
    make_follow_up,
    make_meeting,
    make_participant,
    make_partner,
    make_report,
)
from infohus.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db
People = dict[str, User]
TODAY = timezone.localdate()


def _org(start: str) -> Organisation:
    return Organisation.objects.get(name__startswith=start)


def test_plan_meeting_makes_a_planned_meeting_and_audits_it(people: People) -> None:
    partner = make_partner(created_by=people["kamal"])
    meeting = services.plan_meeting(actor=people["kamal"], organisation=_org("Aarhus"),
                                    held_on=TODAY + timedelta(days=7), place="Biblioteket", partners=[partner])
    assert (meeting.status, meeting.place, meeting.created_by) == ("planned", "Biblioteket", people["kamal"])
    assert list(meeting.partners.all()) == [partner]
    event = AuditEvent.objects.get(action="community.meeting_planned")
    assert event.object_type == "dialoguemeeting" and event.object_id == str(meeting.pk)


def test_plan_meeting_refuses_what_it_should(people: People) -> None:
    theirs = make_partner(created_by=people["kamal"], organisation=_org("Randers"))
    with pytest.raises(ValidationError) as refused:
        services.plan_meeting(actor=people["kamal"], organisation=_org("Aarhus"), held_on=TODAY + timedelta(days=400),
                              partners=[theirs])
    assert set(refused.value.message_dict) == {"held_on", "partners"}
    with pytest.raises(PermissionDenied):
        services.plan_meeting(actor=people["carl"], organisation=_org("Aarhus"), held_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.plan_meeting(actor=people["kamal"], organisation=_org("Randers"), held_on=TODAY)
    assert not DialogueMeeting.objects.exists()


def test_add_topic_from_an_ambassadors_report(people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"])
    report = make_report(make_ambassador(make_participant(make_cohort(created_by=people["kamal"]))))
    topic = services.add_topic(actor=people["kamal"], meeting=meeting, title=" Mødesteder ", notes="",
                               peer_report=report)
    assert (topic.title, topic.peer_report, topic.added_by) == ("Mødesteder", report, people["kamal"])
    event = AuditEvent.objects.get(action="community.topic_added")
    assert event.details == {"meeting": meeting.pk, "peer_report": report.pk}


def test_a_report_of_another_organisation_cannot_become_a_topic(people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"])
    cohort = make_cohort(created_by=people["kamal"], organisation=_org("Randers"))
    report = make_report(make_ambassador(make_participant(cohort)))
    with pytest.raises(ValidationError) as refused:
        services.add_topic(actor=people["kamal"], meeting=meeting, title="Noget", peer_report=report)
    assert "peer_report" in refused.value.message_dict
    assert not Topic.objects.exists()


def test_a_follow_up_needs_exactly_one_owner_who_is_a_coordinator(people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY)
    due = TODAY + timedelta(days=3)
    cases = [({}, "owner"), ({"owner": people["kamal"], "owner_name": "Formanden"}, "owner_name"),
             ({"owner": people["carl"]}, "owner")]
    for owner, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.add_follow_up(actor=people["kamal"], meeting=meeting, what="Ring", due_on=due, **owner)
        assert field in refused.value.message_dict
    assert not FollowUp.objects.exists()
    assert set(services.coordinators_of(meeting.organisation_id)) == {people["kamal"]}


def test_a_follow_up_is_not_due_before_its_meeting_but_may_be_due_the_same_day(people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        services.add_follow_up(actor=people["kamal"], meeting=meeting, what="Ring", owner_name="Formanden",
                               due_on=TODAY - timedelta(days=4))
    assert "due_on" in refused.value.message_dict
    follow_up = services.add_follow_up(actor=people["kamal"], meeting=meeting, what="Ring", owner_name="Formanden",
                                       due_on=meeting.held_on)
    assert follow_up.due_on == meeting.held_on


def test_a_follow_up_is_marked_done_once(people: People) -> None:
    follow_up = make_follow_up(make_meeting(created_by=people["kamal"], held_on=TODAY), due_on=TODAY)
    services.mark_follow_up_done(actor=people["kamal"], follow_up=follow_up)
    with pytest.raises(ValidationError):
        services.mark_follow_up_done(actor=people["kamal"], follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.done_on == TODAY
    with pytest.raises(PermissionDenied):
        services.mark_follow_up_done(actor=people["carl"], follow_up=follow_up)


def test_a_stale_meeting_edit_changes_nothing(people: People) -> None:
    meeting = make_meeting(created_by=people["kamal"], held_on=TODAY - timedelta(days=1))
    data = services.MeetingData(held_on=meeting.held_on, status="held", agreed="Første")
    services.update_meeting(actor=people["kamal"], meeting=meeting, expected_version=1, data=data)
    with pytest.raises(StaleEdit):
        services.update_meeting(actor=people["kamal"], meeting=meeting, expected_version=1,
                                data=services.MeetingData(held_on=meeting.held_on, status="held", agreed="Anden"))
    meeting.refresh_from_db()
    assert (meeting.agreed, meeting.version) == ("Første", 2)
    event = AuditEvent.objects.get(action="community.meeting_updated")
    assert event.details == {"changed": ["agreed", "status"]}
