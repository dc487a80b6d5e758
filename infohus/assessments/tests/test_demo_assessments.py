"""`manage.py demo_assessments`: synthetic assessments on the demo desk, recorded through the
services (so audited), made once, never in production."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from django.utils import timezone

from infohus.accounts.models import User
from infohus.accounts.tests.test_demo import PRODUCTION, _run
from infohus.assessments.demo import demo_case, demo_concern_at_triage
from infohus.assessments.models import Assessment
from infohus.assessments.selectors.access import assessment_for_user
from infohus.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return Assessment.objects.count(), AuditEvent.objects.count(), Assessment.objects.filter(status="signed").count()


def test_demo_assessments_are_made_once_through_the_services() -> None:
    _command("demo")
    _command("demo_desk")
    _command("load_instruments")
    started = AuditEvent.objects.filter(action="assessment.started").count()

    assert "on the demo case" in _command("demo_assessments")
    first = _counts()
    assert "already present" in _command("demo_assessments")

    assert _counts() == first  # idempotent: nothing added, not even an audit row
    case = demo_case()
    assert case is not None
    on_case = Assessment.objects.filter(case=case).select_related("version__instrument")
    signed = Counter(a.version.instrument.slug for a in on_case if a.is_signed)
    drafts = [a for a in on_case if not a.is_signed]
    assert signed == {"balanced-risk-assessment": 3, "life-skills-wheel": 2, "three-houses": 1}
    assert len(drafts) == 1
    # Every assessment was started, and each signed one signed, through the audited services.
    assert AuditEvent.objects.filter(action="assessment.started").count() - started == first[0]
    assert AuditEvent.objects.filter(action="assessment.signed").count() == first[2]


def test_the_risk_assessments_span_three_months_with_four_participants() -> None:
    for name in ("demo", "demo_desk", "load_instruments", "demo_assessments"):
        _command(name)

    risks = list(Assessment.objects.filter(case=demo_case(), status="signed",
                                           version__instrument__slug="balanced-risk-assessment")
                 .order_by("assessed_on"))
    today = timezone.localdate()
    assert len(risks) == 3
    assert all(r.assessed_on <= today for r in risks)
    assert risks[-1].assessed_on - risks[0].assessed_on >= timedelta(days=60)
    assert all(set(r.answers["scale"]) == {"person", "parent", "mentor", "case_worker"} for r in risks)
    # The mentor on the team reads them; the scale values are kept as given.
    mads = User.objects.get(username="mads")
    assert assessment_for_user(mads, risks[0].pk, purpose="test").assessment.answers["scale"]["parent"] == 3


def test_the_info_house_analysis_waits_with_its_concern() -> None:
    for name in ("demo", "demo_desk", "load_instruments", "demo_assessments"):
        _command(name)

    concern = demo_concern_at_triage()
    assert concern is not None
    analysis = Assessment.objects.get(concern=concern)
    assert analysis.version.instrument.slug == "infohouse-analysis" and analysis.is_signed
    assert analysis.answers["recommendation"]
    ida, mads = User.objects.get(username="ida"), User.objects.get(username="mads")
    assert assessment_for_user(ida, analysis.pk, purpose="test").assessment == analysis
    with pytest.raises(Http404):
        assessment_for_user(mads, analysis.pk, purpose="test")


def test_without_the_instruments_it_says_what_to_run() -> None:
    _command("demo")
    _command("demo_desk")

    with pytest.raises(CommandError, match="load_instruments"):
        _command("demo_assessments")
    assert not Assessment.objects.exists()


def test_demo_assessments_refuse_in_production() -> None:
    result = _run("demo_assessments", **PRODUCTION)

    assert result.returncode != 0
    assert "never runs with INFOHUS_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
