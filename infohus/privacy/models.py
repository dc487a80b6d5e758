"""Retention rules, legal holds and the runs that erase what has expired."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long one kind of record is kept once its clock has started. The kinds, their clocks
    and their legal minimums are defined in code (privacy.retention); the period is the DPO's."""

    kind = models.CharField(_("kind of record"), max_length=64, unique=True)
    months = models.PositiveIntegerField(_("kept for (months)"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.kind}: {self.months}"


class LegalHold(models.Model):
    """Keeps everything about a person past its retention period, e.g. during a complaint or a
    court case, until the hold is lifted."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("reference (complaint, court case)"), max_length=100, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [models.Index(fields=["person", "lifted_at"])]

    def __str__(self) -> str:
        return f"hold {self.pk}"


class RetentionRun(models.Model):
    """One pass of the retention task, or a dry run: how many of each kind, never which."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    # {kind key: number of records erased (or, in a dry run, that would be)}
    counts = models.JSONField(default=dict)
    held = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"run {self.pk}"
