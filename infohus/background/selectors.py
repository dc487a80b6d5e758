"""Reading failed background work and the state of the queue, for the administrators' page and the
system administrator's start page.

A failed task's arguments are ids and flags for most tasks, but an e-mail's are its recipients and
text: only numbers and yes/no values are ever shown, other values are named but not shown.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from inspect import signature
from typing import Any

from django.db.models import Case, Count, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from infohus.background.models import FailedTask, TaskAttempt

# A task that has waited longer than this for a worker suggests that no worker is running.
STALLED_AFTER = timedelta(minutes=5)
RECENTLY_HANDLED = 10


def _attempts() -> Prefetch[Any]:
    return Prefetch("attempt_rows", queryset=TaskAttempt.objects.order_by("number"), to_attr="attempt_list")


def failures_waiting() -> QuerySet[FailedTask]:
    """Failed work waiting for an administrator, newest first, each with its attempts (two
    queries however many: the failures and their attempts)."""
    return (FailedTask.objects.filter(status=FailedTask.Status.OPEN).order_by("-failed_at", "-pk")
            .prefetch_related(_attempts()))


def open_failures(limit: int = 10) -> list[FailedTask]:
    """The newest failures waiting for attention, at most `limit` (one query), for a start page."""
    return list(FailedTask.objects.filter(status=FailedTask.Status.OPEN).order_by("-failed_at", "-pk")[:limit])


def recently_handled(limit: int = RECENTLY_HANDLED) -> list[FailedTask]:
    """The failures handled last, each with who handled it and, for one tried again, how its
    newest attempt ended where one was recorded (one query)."""
    newest = TaskAttempt.objects.filter(work=OuterRef("retried_as")).order_by("-number")
    return list(FailedTask.objects.exclude(status=FailedTask.Status.OPEN).select_related("resolved_by")
                .annotate(retry_outcome=Subquery(newest.values("outcome")[:1]))
                .order_by("-resolved_at", "-pk")[:limit])


def open_failure(pk: int) -> FailedTask:
    """One failure still waiting for attention, or 404."""
    failure = FailedTask.objects.filter(pk=pk, status=FailedTask.Status.OPEN).first()
    if failure is None:
        raise Http404
    return failure


# --- the arguments, as the page shows them ------------------------------------------------------------

@dataclass(frozen=True)
class Argument:
    name: str
    value: str | None  # None: not shown


def _plain(value: Any) -> str | None:
    if value is None or isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, bool | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return None


def _names_of(task_path: str, count: int) -> list[str]:
    """The names of the first `count` parameters of the task's function, where it still exists."""
    try:
        params = list(signature(import_string(task_path).func).parameters)
    except (ImportError, AttributeError, TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"#{i + 1}" for i in range(count)]


def shown_arguments(failure: FailedTask) -> list[Argument]:
    args = failure.args
    named = list(zip(_names_of(failure.task_path, len(args)), args, strict=True)) if args else []
    return [Argument(name, _plain(value)) for name, value in [*named, *sorted(failure.kwargs.items())]]


# --- the queue -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueState:
    has_queue: bool  # False where tasks run at once in the process that queues them
    waiting: int = 0  # ready to run now
    deferred: int = 0  # waiting for their time (retries among them)
    running: int = 0
    oldest_since: datetime | None = None  # since when the longest-waiting ready task has waited

    @property
    def waited(self) -> timedelta | None:
        return timezone.now() - self.oldest_since if self.oldest_since else None

    @property
    def stalled(self) -> bool:
        waited = self.waited
        return waited is not None and waited > STALLED_AFTER


def queue_state() -> QueueState:
    """How many tasks wait and run in the database queue, and how long the oldest ready one has
    waited (one query). A task deferred to a later time waits from that time."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return QueueState(has_queue=False)
    now = timezone.now()
    never = get_date_max()
    ready = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    found = DBTaskResult.objects.filter(backend_name=backend.alias).aggregate(
        waiting=Count("pk", filter=ready),
        deferred=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__gt=now) & ~Q(run_after=never)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min(Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after")), filter=ready),
    )
    return QueueState(has_queue=True, waiting=found["waiting"], deferred=found["deferred"],
                      running=found["running"], oldest_since=found["oldest"])
