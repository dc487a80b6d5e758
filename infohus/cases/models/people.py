from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """A person of concern. Visible only through the need-to-know selectors."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not known")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    identifier_country = models.CharField(_("country of the identifier"), max_length=2, default="DK")
    identifier_encrypted = models.TextField(blank=True, editable=False)
    identifier_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    municipality = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="residents", verbose_name=_("municipality"))
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.TextField(_("address"), blank=True)
    # Lower-case, accent-folded name for search; kept by the services.
    search_name = models.CharField(max_length=210, db_index=True, editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention erased the person's details; the row stays for the statistics.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["birth_date"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class NetworkMember(models.Model):
    """A relative or another person around the person of concern."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100)
    contact = models.CharField(_("contact details"), max_length=300, blank=True)

    class Meta:
        ordering = ["person", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"
