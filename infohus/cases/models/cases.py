from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment, Role


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        PARTLY_MET = "partly_met", _("Goals partly met")
        DECLINED = "declined", _("The person declined the offer")
        MOVED = "moved", _("Moved to another municipality")
        PASSED_ON = "passed_on", _("Passed to another authority")
        NO_LONGER_CONCERN = "no_longer_concern", _("No longer a concern")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owning organisation"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases",
                             verbose_name=_("lead"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    review_every_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    # Set when retention erased the case's notes, attachments and team; the skeleton stays.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        # cases opened, closed and open in a period (insights; retention reads closed_at)
        indexes = [models.Index(fields=["opened_at"]), models.Index(fields=["closed_at"])]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference


class TeamMember(models.Model):
    """Who works on a case, in which role, and which compartments they see."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Compartments as a comma-separated list; never more than the role allows (see services).
    compartments = models.CharField(_("compartments"), max_length=64, default=Compartment.GENERAL)
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "added_at"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_team_entry_per_user")]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"

    def compartment_set(self) -> frozenset[str]:
        return frozenset(c for c in self.compartments.split(",") if c)

    def compartment_labels(self) -> str:
        """The compartments in the page's language, in a fixed order."""
        return ", ".join(str(c.label) for c in Compartment if c.value in self.compartment_set())


class Note(models.Model):
    """One entry of the case's timeline, in one compartment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices,
                                   default=Compartment.GENERAL)
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["case", "compartment", "-written_at"])]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_compartment_display()}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices,
                                   default=Compartment.GENERAL)
    file = models.FileField(upload_to="cases/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due"), db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks",
                                 verbose_name=_("assignee"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.case} {self.held_on}"


class ConsentRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=200)
    scope = models.TextField(_("what the consent covers"))
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.given_by}: {self.scope[:40]}"
