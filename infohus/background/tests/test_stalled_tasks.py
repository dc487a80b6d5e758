"""A worker killed while running a task (SIGKILL, a machine lost) leaves the task "running" in the
queue. recover_stalled_tasks records such a task as failed, so that the retries take it up like
any failure: the worker's own id when it starts again, or an age for workers that never return.
Tasks that another worker is still running are left alone."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from infohus.background.models import TaskAttempt
from infohus.background.tests.example_tasks import succeeds

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]
Calls = list[tuple[str, object]]


def running_on(worker_id: str, *, started_ago: timedelta = timedelta(0)) -> DBTaskResult:
    """A task queued and claimed by a worker that then vanished."""
    result = succeeds.enqueue(3)
    claimed = DBTaskResult.objects.get(pk=result.id)
    claimed.claim(worker_id)
    DBTaskResult.objects.filter(pk=claimed.pk).update(started_at=timezone.now() - started_ago)
    return claimed


def test_a_worker_starting_again_recovers_the_task_it_was_running(
        calls: Calls, run_worker: Callable[[], None]) -> None:
    stalled = running_on("host-1")
    elsewhere = running_on("host-2")

    call_command("recover_stalled_tasks", "--worker-id", "host-1")

    stalled.refresh_from_db()
    assert stalled.status == TaskResultStatus.FAILED
    assert stalled.exception_class_path == "infohus.background.services.WorkerLost"
    assert DBTaskResult.objects.get(pk=elsewhere.pk).status == TaskResultStatus.RUNNING
    attempt = TaskAttempt.objects.get(number=1)
    assert attempt.outcome == "failed" and "host-1 stopped" in attempt.message
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())

    run_worker()

    assert calls == [("succeeds", 3)]
    assert TaskAttempt.objects.get(number=2).outcome == "succeeded"


def test_the_sweep_recovers_only_tasks_running_longer_than_it_is_told() -> None:
    old = running_on("gone-machine-1", started_ago=timedelta(hours=3))
    recent = running_on("busy-1", started_ago=timedelta(minutes=5))

    call_command("recover_stalled_tasks", "--older-than", "120")

    assert DBTaskResult.objects.get(pk=old.pk).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=recent.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1  # the old one's retry


def test_a_task_that_has_finished_meanwhile_is_not_touched() -> None:
    done = running_on("host-1")
    DBTaskResult.objects.filter(pk=done.pk).update(status=TaskResultStatus.SUCCESSFUL)
    call_command("recover_stalled_tasks", "--worker-id", "host-1")
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert not TaskAttempt.objects.exists()


@pytest.mark.parametrize("arguments", [[], ["--older-than", "0"]])
def test_the_command_says_what_it_needs(arguments: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("recover_stalled_tasks", *arguments)
