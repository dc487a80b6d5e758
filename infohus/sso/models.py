"""OpenID Connect providers, how their claims map to organisations and roles, and the links
between a provider's subjects and Infohus accounts."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from infohus.accounts.roles import Role
from infohus.sso.client import is_loopback


def issuer_problem_of(issuer: str) -> str:
    """Why an issuer cannot be used ("" when it can): it must be https without query or fragment;
    plain http is accepted for this machine only, and only where SSO_ALLOW_HTTP_LOOPBACK (by
    default DEBUG) allows it: the tests' provider and a developer's."""
    parts = urlsplit(issuer)
    if parts.query or parts.fragment:
        return str(_("The issuer has no query or fragment (?… or #…)."))
    if parts.scheme == "https" and parts.hostname:
        return ""
    allow_loopback = getattr(settings, "SSO_ALLOW_HTTP_LOOPBACK", settings.DEBUG)
    if parts.scheme == "http" and allow_loopback and is_loopback(issuer):
        return ""
    return str(_("The issuer must be an https address."))


class Provider(models.Model):
    """An identity provider of a municipality, a police district or another authority."""

    class AccountPolicy(models.TextChoices):
        LINK_ONLY = "link_only", _("Link existing accounts only")
        LINK_OR_CREATE = "link_or_create", _("Link existing accounts or create new ones")

    name = models.CharField(_("name"), max_length=100, help_text=_('Shown on the button: "Sign in with …"'))
    slug = models.SlugField(_("short name"), max_length=50, unique=True, help_text=_("Part of the callback address"))
    issuer = models.URLField(
        _("issuer"), max_length=300,
        help_text=_("The provider's issuer identifier, exactly as in its discovery document (https://…)"),
    )
    client_id = models.CharField(_("client id"), max_length=255)
    # Fernet ciphertext (see infohus.sso.crypto); the admin form takes a new secret, never shows it.
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    scopes = models.CharField(
        _("scopes"), max_length=300, default="openid email profile",
        help_text=_('Separated by spaces; must include "openid"'),
    )
    organisation_claim = models.CharField(
        _("organisation claim"), max_length=100, default="organisation",
        help_text=_("The ID-token claim whose value names the person's organisation"),
    )
    role_claim = models.CharField(
        _("role claim"), max_length=100, default="role",
        help_text=_("The ID-token claim whose value names the person's role"),
    )
    require_mfa = models.BooleanField(
        _("second factor required from the provider"), default=False,
        help_text=_("The ID token must show a second factor (amr or acr); Infohus then does not ask for its own"),
    )
    mfa_amr_values = models.CharField(
        _("amr values that show a second factor"), max_length=200, blank=True, default="mfa",
        help_text=_("Separated by spaces, for example: mfa"),
    )
    mfa_acr_values = models.CharField(
        _("acr values that show a second factor"), max_length=500, blank=True,
        help_text=_("Separated by spaces; the provider's assurance levels that include a second factor"),
    )
    account_policy = models.CharField(
        _("accounts"), max_length=20, choices=AccountPolicy.choices, default=AccountPolicy.LINK_ONLY,
        help_text=_("An account is matched by an earlier link, or by e-mail address when the provider says it "
                    "is verified. Created accounts get the mapped organisation and role."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        issuer_problem = issuer_problem_of(self.issuer)
        if issuer_problem:
            errors["issuer"] = issuer_problem
        if "openid" not in self.scopes.split():
            errors["scopes"] = _('The scopes must include "openid".')
        if self.require_mfa and not (self.mfa_amr_values.split() or self.mfa_acr_values.split()):
            errors["mfa_amr_values"] = _("Name at least one amr or acr value that shows a second factor.")
        if errors:
            raise ValidationError(errors)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_encrypted)


class OrganisationMapping(models.Model):
    """One value of the provider's organisation claim and the organisation it stands for."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="organisation_mappings")
    value = models.CharField(_("claim value"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        ordering = ["value"]
        constraints = [models.UniqueConstraint(fields=["provider", "value"], name="sso_one_organisation_per_value")]
        verbose_name = _("organisation mapping")
        verbose_name_plural = _("organisation mappings")

    def __str__(self) -> str:
        return f"{self.value} → {self.organisation}"


class RoleMapping(models.Model):
    """One value of the provider's role claim and the Infohus role it stands for. A value not
    mapped here is refused."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="role_mappings")
    value = models.CharField(_("claim value"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["value"]
        constraints = [models.UniqueConstraint(fields=["provider", "value"], name="sso_one_role_per_value")]
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")

    def __str__(self) -> str:
        return f"{self.value} → {self.get_role_display()}"


class ExternalIdentity(models.Model):
    """A provider's subject identifier linked to an Infohus account."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("identity provider"), on_delete=models.CASCADE, related_name="identities",
    )
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="external_identities",
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        ordering = ["provider__name", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_one_account_per_subject"),
            # One account has one identity at a provider, so that a second identity with the same
            # e-mail address cannot take over an account that is already linked.
            models.UniqueConstraint(fields=["provider", "user"], name="sso_one_subject_per_account"),
        ]
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class ProviderDevice(Device):
    """The second factor that a provider confirmed at sign-in (its ID token showed it).

    Signing in through a provider that must confirm a second factor logs this device into the
    session the way a checked authenticator code logs in a TOTP device, so that the permission
    functions and the second-factor middleware treat the session as verified. It never accepts a
    code itself.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="sso_one_device_per_provider")]
        verbose_name = _("second factor at an identity provider")
        verbose_name_plural = _("second factors at identity providers")

    def verify_token(self, token: object) -> bool:
        return False
