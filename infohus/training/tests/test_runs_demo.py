"""`manage.py demo_training`: the catalogue, runs, enrolments, attendance and certificates of the
demo, made through the services (so audited), made once, never in production."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from infohus.accounts.models import User
from infohus.accounts.tests.test_demo import PRODUCTION, _run
from infohus.audit.models import AuditEvent
from infohus.training.demo import create_demo_training
from infohus.training.models import Attendance, Course, CourseKind, CourseRun, Enrolment
from infohus.training.selectors.runs import completions

pytestmark = pytest.mark.django_db
MODELS = (Course, CourseRun, Enrolment, Attendance)


def _command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def test_the_demo_training_is_made_once_through_the_services() -> None:
    _command("demo")
    made = create_demo_training()
    assert (made.courses, made.runs) == (6, 6) and made.certificates == 5 + 4 + 3
    first = _counts()
    again = create_demo_training()
    assert again.total == 0 and _counts() == first
    assert set(Course.objects.values_list("kind", flat=True)) == set(CourseKind.values) - {CourseKind.OTHER}
    assert AuditEvent.objects.filter(action="training.enrolled").count() == Enrolment.objects.count()
    assert AuditEvent.objects.filter(action="training.run_completed").count() == 3
    held = CourseRun.objects.filter(status=CourseRun.Status.HELD)
    assert held.count() == 3 and all(run.ends_on < timezone.localdate() for run in held)
    # In each past run one external participant missed a day and did not complete.
    assert Enrolment.objects.filter(run__in=held, completed_on__isnull=True).count() == 3


def test_rikkes_follow_up_falls_due_soon_and_the_mentors_are_trained() -> None:
    _command("demo")
    create_demo_training()
    users = {u.username: u.pk for u in User.objects.filter(username__in=["rikke", "mads", "otto", "pia"])}
    today = timezone.localdate()
    rikke = completions([users["rikke"]], [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP])
    assert today - timedelta(days=160) < rikke[users["rikke"]] < today - timedelta(days=140)
    method = completions(users.values(), [CourseKind.MENTOR_METHOD])
    assert set(method) == {users["mads"], users["otto"]}


def test_the_command_says_what_it_made_and_then_that_it_is_there() -> None:
    _command("demo")
    assert "6 courses, 6 runs" in _command("demo_training")
    assert "Demo training already present." in _command("demo_training")


def test_the_demo_needs_the_demo_accounts() -> None:
    with pytest.raises(CommandError, match="run `manage.py demo` first"):
        _command("demo_training")
    assert not Course.objects.exists()


def test_demo_training_refuses_in_production() -> None:
    result = _run("demo_training", **PRODUCTION)
    assert result.returncode != 0
    assert "never runs with INFOHUS_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
