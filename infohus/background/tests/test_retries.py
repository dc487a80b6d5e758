"""Retries with the immediate backend of development and tests: a task that raises is tried again
at once, up to TASK_MAX_ATTEMPTS attempts in all, each attempt recorded; after the last one the
work is a FailedTask with its arguments, attempts and error, logged at ERROR. A task that
succeeds at once leaves no record."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResultStatus

from infohus.background.models import FailedTask, TaskAttempt
from infohus.background.services import retry_delay
from infohus.background.tests.example_tasks import always_fails, fails_once, succeeds

pytestmark = pytest.mark.django_db
Calls = list[tuple[str, object]]


def test_a_failing_task_is_tried_the_allowed_number_of_times_then_recorded_as_failed(
        calls: Calls, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="infohus.background"):
        with django_capture_on_commit_callbacks(execute=True):
            result = always_fails.enqueue(7, urgent=True, note="for dina@example.org")

    assert result.status == TaskResultStatus.FAILED
    assert calls == [("always_fails", 7)] * 3
    attempts = list(TaskAttempt.objects.order_by("number"))
    assert [(a.number, a.outcome) for a in attempts] == [(1, "failed"), (2, "failed"), (3, "failed")]
    assert len({a.work for a in attempts}) == 1
    assert all(a.exception_class.endswith("example_tasks.MailServerDown") for a in attempts)
    failure = FailedTask.objects.get()
    assert failure.work == attempts[0].work and failure.status == FailedTask.Status.OPEN
    assert failure.task_path == "infohus.background.tests.example_tasks.always_fails"
    assert failure.arguments == {"args": [7], "kwargs": {"urgent": True, "note": "for dina@example.org"}}
    assert failure.attempts == 3
    assert failure.exception_class == "infohus.background.tests.example_tasks.MailServerDown"
    assert failure.message == "Nothing answered for number 7"
    assert "raise MailServerDown" in failure.traceback
    assert {a.failure_id for a in attempts} == {failure.pk}
    errors = [r for r in caplog.records if r.name == "infohus.background" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "after 3 attempt(s)" in errors[0].getMessage()
    assert "always_fails" in errors[0].getMessage()


def test_the_number_of_attempts_follows_the_setting(calls: Calls, settings: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    settings.TASK_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        always_fails.enqueue(1)
    assert calls == [("always_fails", 1)]
    assert FailedTask.objects.get().attempts == 1

    settings.TASK_MAX_ATTEMPTS = 5
    with django_capture_on_commit_callbacks(execute=True):
        always_fails.enqueue(2)
    assert calls.count(("always_fails", 2)) == 5
    assert FailedTask.objects.get(arguments__args=[2]).attempts == 5


def test_a_task_that_fails_once_succeeds_at_its_second_attempt_and_is_not_shown_as_failed(
        calls: Calls, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        fails_once.enqueue("mail-1")

    assert calls == [("fails_once", "mail-1")] * 2
    assert [(a.number, a.outcome) for a in TaskAttempt.objects.order_by("number")] == [(1, "failed"),
                                                                                      (2, "succeeded")]
    assert not FailedTask.objects.exists()


def test_a_task_that_succeeds_at_once_leaves_no_record_and_asks_nothing_of_the_database(
        calls: Calls, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        result = succeeds.enqueue(21)
    assert result.return_value == 42 and calls == [("succeeds", 21)]
    assert not TaskAttempt.objects.exists()


def test_the_immediate_retry_waits_until_the_failed_attempt_is_committed(
        calls: Calls, django_capture_on_commit_callbacks: Any) -> None:
    # So a transaction that rolls back the record of the attempt rolls back its retry as well.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        always_fails.enqueue(3)
    assert calls == [("always_fails", 3)] and len(callbacks) == 1


def test_the_delay_before_each_retry_grows() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
