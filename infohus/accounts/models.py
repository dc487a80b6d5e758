from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE_DISTRICT = "police_district", _("Police district / Info house")
        PRISON_PROBATION = "prison_probation", _("Prison or probation institution")
        PSYCHIATRY = "psychiatry", _("Psychiatry")
        NATIONAL_CENTRE = "national_centre", _("National prevention centre")
        SECURITY_SERVICE = "security_service", _("Security service")
        NGO = "ngo", _("NGO")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    country = models.CharField(_("country"), max_length=2, default="DK", help_text=_("ISO 3166-1 alpha-2 code"))
    municipality_code = models.CharField(
        _("municipality code"), max_length=3, blank=True,
        help_text=_("The three-digit Danish municipality code, where there is one"),
    )
    info_house = models.ForeignKey(
        "self", verbose_name=_("Info house"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="served_organisations", limit_choices_to={"kind": "police_district"},
        help_text=_("The police district's Info house that receives this organisation's concerns"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Their roles come from memberships, never from the user row."""

    email = models.EmailField(_("e-mail address"), blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="one_membership_per_role"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class SignedInSession(models.Model):
    """Which server-side sessions belong to a user, so that all can be ended at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.started_at:%Y-%m-%d %H:%M}"
