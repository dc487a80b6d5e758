"""API tokens and the integrations that hold them.

A token acts as one user in one of their memberships (the role it was issued for), so every
call answers to the same permission functions as that person's pages. Only a SHA-256 digest of
the secret is stored: the secret is 256 random bits, so a slow hash would add cost per call and
no protection.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Integration(models.Model):
    """Another system (a municipality's case system, a police district's register) that calls the
    API. It acts through a service account of its own, with a membership like a person's."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    client_id = models.CharField(
        _("client id"), max_length=40, unique=True,
        help_text=_("Sent by the integration in the X-Infohus-Client header with each call"),
    )
    description = models.TextField(_("description"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("service account"), on_delete=models.PROTECT,
        related_name="integration",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    membership = models.ForeignKey(
        "accounts.Membership", verbose_name=_("acts as"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="tokens",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
