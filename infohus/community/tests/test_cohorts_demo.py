"""The youth demo: made through the services, idempotent, and what it promises is there (a cohort
with held modules and attendance, participants under 18 with a parent's consent, goals with
progress, two ready ambassadors, one of them yasmin, and a new report in kamal's inbox)."""

import pytest

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.community.demo_youth import DEMO_COHORT, DemoNotReady, create_demo_youth
from infohus.community.models import (
    Ambassador,
    AmbassadorActivity,
    GoalProgress,
    ModuleAttendance,
    PeerReport,
    YouthCohort,
    YouthParticipant,
)
from infohus.community.selectors.access import own_ambassador, visible
from infohus.community.services.cohorts import age_on

pytestmark = pytest.mark.django_db


def test_the_demo_is_made_once(people: dict[str, User]) -> None:
    made = create_demo_youth()
    assert made > 40
    assert create_demo_youth() == 0
    cohort = YouthCohort.objects.get(name=DEMO_COHORT)
    assert cohort.organisation.name.startswith("Aarhus")
    participants = list(YouthParticipant.objects.filter(cohort=cohort))
    assert len(participants) == 8
    minors = [p for p in participants if age_on(p.birth_date, p.consent_given_on) < 18]
    assert len(minors) == 4 and all(p.consent_by == "parent" and p.parent_name for p in minors)
    assert sum(1 for p in participants if p.left_on) == 1
    assert ModuleAttendance.objects.filter(module__cohort=cohort, present=True).exists()
    assert GoalProgress.objects.filter(goal__participant__cohort=cohort).count() >= 8
    ambassadors = Ambassador.objects.filter(participant__cohort=cohort)
    assert ambassadors.count() == 2 and all(a.ready_on for a in ambassadors)
    assert own_ambassador(people["yasmin"]) == ambassadors.get(user=people["yasmin"])
    assert AmbassadorActivity.objects.filter(ambassador__in=ambassadors).count() == 5
    inbox = visible(people["kamal"], PeerReport)
    assert inbox.filter(status=PeerReport.Status.NEW).count() == 1
    assert inbox.filter(status=PeerReport.Status.CLOSED).exclude(reply="").count() == 1
    assert AuditEvent.objects.filter(action="community.participant_added").count() == 8


def test_the_demo_needs_the_demo_people(db: None) -> None:
    with pytest.raises(DemoNotReady, match="manage.py demo"):
        create_demo_youth()
