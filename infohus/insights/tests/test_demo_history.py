"""`manage.py demo_insights`: thirty months of synthetic decided concerns, once, never in production."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from infohus.accounts.tests.test_demo import PRODUCTION, _run
from infohus.cases.models import Case, Concern, Person, TriageDecision
from infohus.insights.demo import MARK, create_history
from infohus.interventions.models import Intervention, Session

pytestmark = pytest.mark.django_db


def test_history_is_decided_synthetic_and_made_once(people: dict[str, object]) -> None:
    today = date(2026, 11, 27)
    assert create_history(size=60, today=today) == 60
    assert create_history(size=60, today=today) == 0

    concerns = Concern.objects.filter(person__first_name=MARK)
    assert concerns.count() == 60
    assert set(concerns.values_list("status", flat=True)) == {Concern.Status.DECIDED}
    assert TriageDecision.objects.filter(concern__in=concerns).count() == 60
    # received within the last thirty months, decided on or after receipt and never in the future
    for received, decided in concerns.values_list("received_at", "decision__decided_on"):
        assert today - timedelta(days=911) <= received.date() <= today
        assert received.date() <= decided <= today
    # a case exactly for each statutory offer, with one intervention that has sessions
    offers = TriageDecision.objects.filter(concern__in=concerns, kind=TriageDecision.Kind.STATUTORY_OFFER)
    cases = Case.objects.filter(person__first_name=MARK)
    assert cases.count() == offers.count() == offers.exclude(case=None).count()
    assert all(c.closed_at is None or c.closed_at > c.opened_at for c in cases)
    assert Intervention.objects.filter(case__in=cases).count() == cases.count()
    assert not Intervention.objects.filter(case__in=cases).annotate(n=Count("sessions")).filter(n=0).exists()
    assert Session.objects.filter(intervention__case__in=cases).exists()
    assert Person.objects.filter(first_name=MARK).count() == 60


def test_the_command_says_what_it_made(people: dict[str, object]) -> None:
    out = StringIO()
    call_command("demo_insights", stdout=out)
    assert "synthetic decided concerns" in out.getvalue()
    out = StringIO()
    call_command("demo_insights", stdout=out)
    assert "already present" in out.getvalue()


def test_refused_in_production() -> None:
    result = _run("demo_insights", **PRODUCTION)
    assert result.returncode != 0
    assert "never runs" in result.stderr
