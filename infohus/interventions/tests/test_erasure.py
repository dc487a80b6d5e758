"""interventions.services.erasure: the interventions on erased cases lose their text, goals and
session notes; kind, dates, outcome and session minutes stay; other cases are untouched."""

import pytest
from django.utils import timezone

from infohus.accounts.models import User
from infohus.cases.models import NetworkMember
from infohus.cases.tests.factories import make_case
from infohus.interventions.models import Goal, Intervention, Session
from infohus.interventions.services.erasure import anonymise_interventions_of_cases
from infohus.interventions.tests.factories import make_goal, make_intervention, make_session

pytestmark = pytest.mark.django_db


def test_text_goals_and_notes_go_minutes_and_outcome_stay(people: dict[str, User]) -> None:
    case, other = make_case(lead=people["carl"]), make_case(lead=people["carl"])
    erased = make_intervention(case=case, provider_user=people["mads"], description="Plan", status="ended",
                               outcome_reason="He found work")
    session = make_session(erased, notes="Talked", family="Mother", professionals="Teacher", duration_minutes=45)
    session.goals.add(make_goal(erased))
    session.network.add(NetworkMember.objects.create(person=case.person, name="Mother", relation="mother"))
    kept = make_intervention(case=other, provider_user=people["mads"], description="Other plan")
    make_goal(kept)
    now = timezone.now()

    assert anonymise_interventions_of_cases([case.pk], now=now) == 1

    erased.refresh_from_db()
    assert (erased.description, erased.outcome_reason, erased.anonymised_at) == ("", "", now)
    assert (erased.kind, erased.outcome, erased.status) == ("mentoring", "goals_met", "ended")
    session = Session.objects.get(intervention=erased)
    assert (session.notes, session.family, session.professionals, session.duration_minutes) == ("", "", "", 45)
    assert not session.network.exists() and not session.goals.exists()
    assert not Goal.objects.filter(intervention=erased).exists()
    assert Intervention.objects.get(pk=kept.pk).description == "Other plan"
    assert Goal.objects.filter(intervention=kept).count() == 1
