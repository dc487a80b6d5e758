"""Assessment instruments as versioned data, and the assessments recorded with them.

An instrument has versions; a version has sections and fields. A published version never
changes: its fields are what the assessments made with it were answered against. Fields keep a
key across versions, so two assessments made with different versions compare field by field
where the key is kept.

An assessment belongs to a case (or, for the Info-house analysis, to a concern at triage), sits in
one compartment of it, and holds its answers as a JSON object keyed by field key. The shape of
each answer per kind of field is in engine.py. Nothing is computed from the answers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment


def _in_language(da: str, en: str) -> str:
    """The Danish or English text for the page's language; the other one if it is empty."""
    if (get_language() or "da").startswith("en"):
        return en or da
    return da or en


class Instrument(models.Model):
    class Use(models.TextChoices):
        TRIAGE = "triage", _("At triage, on a concern")
        CASE = "case", _("On a case")
        # A course evaluation answered by participants before and after a course run.
        TRAINING = "training", _("As a course evaluation, before and after")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_da = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    use = models.CharField(_("used"), max_length=8, choices=Use.choices, default=Use.CASE)
    default_compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices,
                                           default=Compartment.GENERAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_da, self.name_en)

    @property
    def description(self) -> str:
        return _in_language(self.description_da, self.description_en)


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="one_version_number_per_instrument"),
            # One draft at a time, so two authors cannot fork an instrument without seeing it.
            models.UniqueConstraint(fields=["instrument"], condition=Q(status="draft"),
                                    name="one_draft_per_instrument"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Section(models.Model):
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    key = models.SlugField(_("key"), max_length=60)
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    help_da = models.TextField(_("help (Danish)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="section_key_unique_in_version")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_da, self.title_en)

    @property
    def help(self) -> str:
        return _in_language(self.help_da, self.help_en)


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    STATEMENTS = "statements", _("List of statements")
    CHOICE = "choice", _("Choice")
    SCALE = "scale", _("Scale 0–10")
    DATE = "date", _("Date")
    PARTICIPANT_SCALE = "participant_scale", _("Scale 0–10 for each participant")
    DOMAIN_NOTES = "domain_notes", _("Judgement per domain")
    CERTIFICATION = "certification", _("Assessor's certification")
    ATTACHMENT = "attachment", _("Attached form")


class Field(models.Model):
    """One question of a version. options holds what a kind needs beyond its label:
    choice: {"choices": [{"value", "label_da", "label_en"}], "multiple": bool};
    participant_scale: {"participants": [{"key", "label_da", "label_en"}]}."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="fields")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveIntegerField(default=0)
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    label_da = models.CharField(_("label (Danish)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    help_da = models.TextField(_("help (Danish)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    required = models.BooleanField(_("required to sign"), default=False)
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["section__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="field_key_unique_in_version")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_language(self.label_da, self.label_en)

    @property
    def help(self) -> str:
        return _in_language(self.help_da, self.help_en)

    def choices(self) -> list[tuple[str, str]]:
        return [(c["value"], _in_language(c.get("label_da", ""), c.get("label_en", "")))
                for c in self.options.get("choices", [])]

    def participants(self) -> list[tuple[str, str]]:
        return [(p["key"], _in_language(p.get("label_da", ""), p.get("label_en", "")))
                for p in self.options.get("participants", [])]


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="assessments")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assessments")
    concern = models.ForeignKey("cases.Concern", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="assessments")
    # The person the assessment is about, kept here so subject access and the audit find it.
    person = models.ForeignKey("cases.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assessments")
    compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices,
                                   default=Compartment.GENERAL)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    assessed_on = models.DateField(_("date of the assessment"))
    answers = models.JSONField(default=dict, blank=True)
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
                               verbose_name=_("corrects"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    # Set when retention erased the answers and attachments.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic concurrency: a save names the revision it started from.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(concern__isnull=True))
                | (Q(case__isnull=True) & Q(concern__isnull=False)),
                name="assessment_of_a_case_or_a_concern",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "compartment", "assessed_on"]),
            models.Index(fields=["concern", "compartment"]),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.version} {self.assessed_on}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class AssessmentAttachment(models.Model):
    """A file answering an attachment field, such as the licensed form of a proprietary instrument."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.SlugField(max_length=60)
    file = models.FileField(upload_to="assessments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
