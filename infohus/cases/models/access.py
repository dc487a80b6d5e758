from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BreakGlassAccess(models.Model):
    """Emergency access to a case outside one's need-to-know: stated reason, limited time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    reviewed_by_dpo = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.case}"
