"""What became of background tasks that raised: each attempt at the work, and the failures that ran
out of attempts and wait for an administrator.

A task that succeeds at its first attempt leaves nothing here (the worker's own table keeps its
result). Once an attempt raises, every attempt at that piece of work is a TaskAttempt, tied
together by `work`: the first that failed, the retries queued after it, and how each ended. When
the last allowed attempt fails too, the work becomes a FailedTask, which stays on the
administrators' page until one of them tries it again or dismisses it with a note.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskAttempt(models.Model):
    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        FAILED = "failed", _("Failed")
        SUCCEEDED = "succeeded", _("Succeeded")

    # The attempts at one piece of work share this; trying a failure again starts a new one.
    work = models.UUIDField(_("work"), default=uuid.uuid4, db_index=True)
    number = models.PositiveSmallIntegerField(_("attempt"))
    # The backend's id of this run of the task, by which its end is matched to this row.
    result_id = models.CharField(_("result id"), max_length=64, db_index=True)
    task_path = models.CharField(_("task"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.QUEUED)
    exception_class = models.CharField(_("exception"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    run_after = models.DateTimeField(_("not before"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.ForeignKey("FailedTask", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="attempt_rows", verbose_name=_("failure"))

    class Meta:
        ordering = ["work", "number"]
        verbose_name = _("attempt at a task")
        verbose_name_plural = _("attempts at tasks")
        constraints = [models.UniqueConstraint(fields=["work", "number"], name="background_attempt_once")]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.number} ({self.outcome})"


class FailedTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for attention")
        RETRIED = "retried", _("Tried again")
        DISMISSED = "dismissed", _("Dismissed")

    work = models.UUIDField(_("work"), unique=True)
    task_path = models.CharField(_("task"), max_length=255)
    # {"args": [...], "kwargs": {...}}: what the task was called with, so that it can be tried again.
    arguments = models.JSONField(_("arguments"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("attempts"))
    exception_class = models.CharField(_("exception"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("handled by"))
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The new work that "try again" queued, whose attempts say how it went.
    retried_as = models.UUIDField(_("tried again as"), null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        indexes = [models.Index(fields=["status", "-failed_at"], name="background_failed_status")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.get_status_display()})"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def args(self) -> list[Any]:
        return list(self.arguments.get("args", []))

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.arguments.get("kwargs", {}))
