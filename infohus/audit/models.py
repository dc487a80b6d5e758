from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One read or write of personal data, or one security event, in a hash chain.

    Actor and organisation are copied as plain values, not foreign keys, so that no later
    change elsewhere (a renamed or removed user) can alter a row.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time (UTC)"), editable=False)
    actor_id = models.BigIntegerField(null=True, blank=True, editable=False)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True, editable=False)
    organisation_id = models.BigIntegerField(null=True, blank=True, editable=False)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=64, db_index=True, editable=False)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    person_id = models.CharField(_("person concerned"), max_length=64, blank=True, db_index=True, editable=False)
    purpose = models.TextField(_("purpose or reason"), blank=True, editable=False)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["actor_id", "-seq"]), models.Index(fields=["occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class ChainAnchor(models.Model):
    """Where the chain begins after retention erased its oldest events: the first kept seq and
    the hash it follows, so that verification starts there instead of at the genesis."""

    first_seq = models.PositiveBigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    events_erased = models.PositiveBigIntegerField(editable=False)
    erased_before = models.DateTimeField(editable=False)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seq"]

    def __str__(self) -> str:
        return f"anchor at {self.first_seq}"
