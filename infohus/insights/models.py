"""Research projects that the data protection officer approved, and the extracts made for them.

Only what is needed to show what was released is kept here: never the extract itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResearchProject(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the data protection officer")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        CLOSED = "closed", _("Closed")

    class Dates(models.TextChoices):
        MONTH = "month", _("Coarsened to the month")
        SHIFT = "shift", _("Shifted by a fixed number of days for each person")

    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    researchers = models.TextField(_("researchers and their institution"))
    # Field keys from the extract catalogue (insights.research catalogue); never direct identifiers.
    fields = models.JSONField(_("fields"), default=list)
    quasi_identifiers = models.JSONField(_("quasi-identifiers"), default=list)
    k = models.PositiveSmallIntegerField(_("smallest group (k)"), default=5)
    dates = models.CharField(_("dates"), max_length=8, choices=Dates.choices, default=Dates.MONTH)
    period_start = models.DateField(_("concerns received from"))
    period_end = models.DateField(_("concerns received until"))
    # The project's HMAC key, encrypted at rest like national identifiers; without it a
    # pseudonym cannot be linked back to a person.
    key_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=2), name="research_k_at_least_2"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="research_period_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ResearchExtract(models.Model):
    """One attempt to make an extract: what it held, or why it was refused."""

    project = models.ForeignKey(ResearchProject, on_delete=models.PROTECT, related_name="extracts")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    fields = models.JSONField(default=list)
    quasi_identifiers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    # The size of the smallest group of rows sharing all quasi-identifiers.
    smallest_group = models.PositiveIntegerField(null=True, blank=True)
    released = models.BooleanField(default=False)
    refusal = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("research extract")
        verbose_name_plural = _("research extracts")

    def __str__(self) -> str:
        return f"{self.project} {self.made_at:%Y-%m-%d}"
