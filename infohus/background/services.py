"""Retries of background tasks, the record of their attempts, and what an administrator does with
work that ran out of attempts: try it again, or dismiss it with a note.

`record_finished` sees every task that ends (receivers.py connects it to django.tasks'
task_finished). A task that raised is queued again, up to TASK_MAX_ATTEMPTS attempts in all,
each later than the one before (1, 2, 4… minutes) where the backend can defer a task; a backend
that runs tasks at once (the immediate backend of development and tests) runs the retry as soon
as the record of the failed attempt is committed. When the last attempt fails, the work becomes a
FailedTask for the administrators' page and is logged at ERROR: it is never dropped silently.

A retry on a backend with a queue is written in the same transaction as the record of the attempt
before it, so that a crash cannot leave one without the other.
"""

import logging
import sys
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.base import TaskError
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.background.models import FailedTask, TaskAttempt

logger = logging.getLogger("infohus.background")
type AnyTask = Task[..., Any]
type AnyResult = TaskResult[..., Any]

RETRY_BASE_DELAY = timedelta(minutes=1)
MESSAGE_LIMIT = 2000
TRACEBACK_LIMIT = 20_000

ACTION_RETRIED = "background.failed_task.retried"
ACTION_DISMISSED = "background.failed_task.dismissed"


@dataclass(frozen=True)
class NextAttempt:
    work: uuid.UUID
    number: int
    run_after: datetime | None = None


# Set while this module queues an attempt, so that the task_enqueued receiver can record it with
# the backend's id of the run (which the immediate backend runs before enqueue() returns).
_next_attempt: ContextVar[NextAttempt | None] = ContextVar("infohus_background_next_attempt", default=None)
# Attempts queued on a backend that keeps no results across processes: result id -> TaskAttempt pk.
_queued_here: dict[str, int] = {}


def max_attempts() -> int:
    return int(settings.TASK_MAX_ATTEMPTS)


def retry_delay(failed_attempt: int) -> timedelta:
    """How long after the n-th failed attempt the next one may start: 1, 2, 4, 8… minutes."""
    return RETRY_BASE_DELAY * 2 ** (max(failed_attempt, 1) - 1)


def _queues(task: AnyTask) -> bool:
    """Whether the task's backend keeps a queue (and can defer), rather than running tasks at once."""
    return bool(task.get_backend().supports_defer)


def _keeps_results(task: AnyTask) -> bool:
    return bool(task.get_backend().supports_get_result)


# --- queueing an attempt -------------------------------------------------------------------------------

def note_queued(task_result: AnyResult) -> None:
    """Record an attempt that this module is queueing (called for every task that is queued)."""
    attempt = _next_attempt.get()
    if attempt is None:
        return
    # Whatever the task itself queues while it runs is not this attempt.
    _next_attempt.set(None)
    row = TaskAttempt.objects.create(work=attempt.work, number=attempt.number, result_id=str(task_result.id),
                                     task_path=task_result.task.module_path, run_after=attempt.run_after)
    if not _keeps_results(task_result.task):
        _queued_here[str(task_result.id)] = row.pk


def _enqueue(task: AnyTask, args: list[Any], kwargs: dict[str, Any], attempt: NextAttempt) -> None:
    token = _next_attempt.set(attempt)
    try:
        (task.using(run_after=attempt.run_after) if attempt.run_after else task).enqueue(*args, **kwargs)
    finally:
        _next_attempt.reset(token)


def _queue(task: AnyTask, args: list[Any], kwargs: dict[str, Any], attempt: NextAttempt,
           on_refusal: Callable[[BaseException], None]) -> None:
    """Queue an attempt: on a backend with a queue, in the caller's transaction (which rolls back
    if the backend refuses); on one that runs tasks at once, when that transaction has committed,
    and if the backend then refuses, `on_refusal` records it."""
    if _queues(task):
        with transaction.atomic():
            _enqueue(task, args, kwargs, attempt)
        return

    def later() -> None:
        try:
            _enqueue(task, args, kwargs, attempt)
        except Exception as error:
            logger.exception("Task %s could not be queued for attempt %d", task.module_path, attempt.number)
            on_refusal(error)

    transaction.on_commit(later)


# --- when a task ends ------------------------------------------------------------------------------------

def _attempt_of(task_result: AnyResult) -> TaskAttempt | None:
    """The record of this run, if it is a retry or was queued again by an administrator."""
    key = str(task_result.id)
    pk = _queued_here.pop(key, None)
    if pk is not None:
        return TaskAttempt.objects.filter(pk=pk).first()
    if _keeps_results(task_result.task):
        return TaskAttempt.objects.filter(result_id=key).first()
    return None


def _class_path(exception: BaseException) -> str:
    return f"{type(exception).__module__}.{type(exception).__qualname__}"


def _message(error: TaskError | None) -> str:
    """The exception's message: from the exception being handled where it is this one (the
    backends send task_finished inside their except clause), else from the traceback's last line."""
    if error is None:
        return ""
    handled = sys.exc_info()[1]
    if handled is not None and _class_path(handled) == error.exception_class_path:
        return str(handled)[:MESSAGE_LIMIT]
    lines = error.traceback.strip().splitlines()
    _head, found, message = (lines[-1] if lines else "").partition(": ")
    return message[:MESSAGE_LIMIT] if found else ""


@dataclass(frozen=True)
class Failure:
    exception_class: str
    message: str
    traceback: str = ""


def _failure_of(task_result: AnyResult) -> Failure:
    error = task_result.errors[-1] if task_result.errors else None
    return Failure(exception_class=error.exception_class_path if error else "", message=_message(error),
                   traceback=error.traceback[-TRACEBACK_LIMIT:] if error else "")


def _give_up(*, work: uuid.UUID, task_path: str, args: list[Any], kwargs: dict[str, Any], attempts: int,
             failure: Failure) -> FailedTask:
    failed, _created = FailedTask.objects.get_or_create(work=work, defaults={
        "task_path": task_path, "arguments": {"args": args, "kwargs": kwargs}, "attempts": attempts,
        "exception_class": failure.exception_class, "message": failure.message, "traceback": failure.traceback})
    TaskAttempt.objects.filter(work=work).update(failure=failed)
    logger.error("Task %s failed after %d attempt(s) (%s: %s); shown to administrators as failed task %d",
                 task_path, attempts, failure.exception_class, failure.message, failed.pk)
    return failed


def _refused_retry(*, work: uuid.UUID, task_path: str, args: list[Any], kwargs: dict[str, Any],
                   attempts: int) -> Callable[[BaseException], None]:
    def record(error: BaseException) -> None:
        with transaction.atomic():
            _give_up(work=work, task_path=task_path, args=args, kwargs=kwargs, attempts=attempts, failure=Failure(
                _class_path(error), f"Could not be queued again: {error}"[:MESSAGE_LIMIT]))

    return record


def record_finished(task_result: AnyResult) -> None:
    """Note how a task ended; after a failure, queue the next attempt or record the failed work."""
    attempt = _attempt_of(task_result)
    now = timezone.now()
    if task_result.status != TaskResultStatus.FAILED:
        if attempt is not None:
            TaskAttempt.objects.filter(pk=attempt.pk).update(outcome=TaskAttempt.Outcome.SUCCEEDED, finished_at=now)
        return

    task = task_result.task
    failure = _failure_of(task_result)
    number = attempt.number if attempt is not None else 1
    work = attempt.work if attempt is not None else uuid.uuid4()
    args, kwargs = list(task_result.args), dict(task_result.kwargs)
    with transaction.atomic():
        if attempt is None:
            TaskAttempt.objects.create(
                work=work, number=1, result_id=str(task_result.id), task_path=task.module_path,
                outcome=TaskAttempt.Outcome.FAILED, exception_class=failure.exception_class, message=failure.message,
                queued_at=task_result.enqueued_at or now, finished_at=now)
        else:
            TaskAttempt.objects.filter(pk=attempt.pk).update(
                outcome=TaskAttempt.Outcome.FAILED, exception_class=failure.exception_class, message=failure.message,
                finished_at=now)
        if number >= max_attempts():
            _give_up(work=work, task_path=task.module_path, args=args, kwargs=kwargs, attempts=number,
                     failure=failure)
            return
        run_after = now + retry_delay(number) if _queues(task) else None
        logger.warning("Task %s failed at attempt %d of %d (%s: %s); trying again%s", task.module_path, number,
                       max_attempts(), failure.exception_class, failure.message,
                       f" after {run_after.isoformat()}" if run_after else "")
        refused = _refused_retry(work=work, task_path=task.module_path, args=args, kwargs=kwargs, attempts=number)
        try:
            _queue(task, args, kwargs, NextAttempt(work, number + 1, run_after), on_refusal=refused)
        except Exception as error:
            logger.exception("Task %s could not be queued for attempt %d", task.module_path, number + 1)
            refused(error)


# --- what an administrator does --------------------------------------------------------------------------

def require_administrator(actor: Any) -> None:
    if not organisations_with(actor, Capability.ADMINISTER).exists():
        raise PermissionDenied(_("Only a system administrator handles failed background tasks."))


def _task_at(path: str) -> AnyTask:
    try:
        found = import_string(path)
    except ImportError:
        found = None
    if not isinstance(found, Task):
        raise ValidationError(_("The task “%(task)s” no longer exists in this version of Infohus, so it cannot be "
                                "tried again. Dismiss it with a note instead.") % {"task": path})
    return found


def _already_handled() -> ValidationError:
    return ValidationError(_("Someone has handled this failed task already."))


@transaction.atomic
def try_again(*, actor: Any, failure: FailedTask, organisation: Any = None) -> FailedTask:
    """Queue the failed work anew, with the arguments it had, as a first attempt (with its own
    retries); the failure leaves the list of those waiting for attention. Audited."""
    require_administrator(actor)
    task = _task_at(failure.task_path)
    work = uuid.uuid4()
    handled = FailedTask.objects.filter(pk=failure.pk, status=FailedTask.Status.OPEN).update(
        status=FailedTask.Status.RETRIED, resolved_by=actor, resolved_at=timezone.now(), retried_as=work)
    if not handled:
        raise _already_handled()
    failure.refresh_from_db()
    record_event(action=ACTION_RETRIED, actor=actor, organisation=organisation, object_type="failed_task",
                 object_id=failure.pk, details={"task": failure.task_path, "work": str(work)})
    _queue(task, failure.args, failure.kwargs, NextAttempt(work, 1), on_refusal=_refused_retry(
        work=work, task_path=failure.task_path, args=failure.args, kwargs=failure.kwargs, attempts=0))
    return failure


@transaction.atomic
def dismiss(*, actor: Any, failure: FailedTask, note: str, organisation: Any = None) -> FailedTask:
    """Take a failure off the list without trying it again, saying why. Audited (without the note)."""
    require_administrator(actor)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why the task need not be tried again.")})
    handled = FailedTask.objects.filter(pk=failure.pk, status=FailedTask.Status.OPEN).update(
        status=FailedTask.Status.DISMISSED, resolved_by=actor, resolved_at=timezone.now(), note=note)
    if not handled:
        raise _already_handled()
    failure.refresh_from_db()
    record_event(action=ACTION_DISMISSED, actor=actor, organisation=organisation, object_type="failed_task",
                 object_id=failure.pk, details={"task": failure.task_path})
    return failure


# --- tasks whose worker died ------------------------------------------------------------------------------

class WorkerLost(Exception):
    """The worker stopped (killed, or its machine went down) while it was running the task."""


def recover_stalled(*, worker_id: str = "", older_than: timedelta | None = None) -> list[str]:
    """Tasks left "running" by a worker that is gone, marked failed and handed to the retries like
    any failure: those last claimed by `worker_id` (a worker starting again under its own id knows
    that its previous run is over), and/or those started more than `older_than` ago (a sweep for
    workers that never came back). The ids of the tasks recovered."""
    from django_tasks_db.models import DBTaskResult  # only with the database backend

    if not worker_id and older_than is None:
        raise ValueError("Name the worker whose tasks are stalled, or how old a stalled task is.")
    cutoff = timezone.now() - older_than if older_than is not None else None

    def left_behind(task: Any) -> bool:
        claimed_by_it = bool(worker_id) and bool(task.worker_ids) and task.worker_ids[-1] == worker_id
        too_old = cutoff is not None and task.started_at is not None and task.started_at < cutoff
        return claimed_by_it or too_old

    recovered: list[str] = []
    # Few tasks run at once, so they are all read and chosen here.
    for candidate in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at"):
        if not left_behind(candidate):
            continue
        with transaction.atomic():
            # Re-read under a lock: another sweep, or the worker itself, may have finished it.
            stalled = DBTaskResult.objects.select_for_update().filter(
                pk=candidate.pk, status=TaskResultStatus.RUNNING).first()
            if stalled is None:
                continue
            who = stalled.worker_ids[-1] if stalled.worker_ids else "unknown"
            try:
                raise WorkerLost(f"Worker {who} stopped while running this task (started {stalled.started_at}).")
            except WorkerLost as lost:
                stalled.set_failed(lost)
            logger.warning("Task %s (id %s) was left running by worker %s; recorded as failed", stalled.task_path,
                           stalled.pk, who)
            task_finished.send(sender=type(stalled.task.get_backend()), task_result=stalled.task_result)
        recovered.append(str(stalled.pk))
    return recovered
