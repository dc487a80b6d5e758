"""The public practice network: organisations and projects by country, and how they got there."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2"))
    numeric_code = models.CharField(
        _("ISO numeric code"),
        max_length=3,
        blank=True,
        help_text=_("ISO 3166-1 numeric; links the country to its shape on the map"),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A value of one of the directory's facets: target group, theme or kind of extremism."""

    class Facet(models.TextChoices):
        TARGET_GROUP = "target_group", _("Target group")
        THEME = "theme", _("Theme")
        EXTREMISM = "extremism", _("Kind of extremism")

    facet = models.CharField(_("facet"), max_length=16, choices=Facet.choices)
    slug = models.SlugField(max_length=60)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_da = models.CharField(_("name in Danish"), max_length=100)

    class Meta:
        ordering = ["facet", "name_en"]
        constraints = [models.UniqueConstraint(fields=["facet", "slug"], name="tag_unique_per_facet")]

    def __str__(self) -> str:
        return self.name_da if get_language() == "da" else self.name_en


class Organisation(models.Model):
    """An organisation in the public directory (not an account organisation of the desk)."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations")
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class PreventionLevel(models.TextChoices):
        UNIVERSAL = "universal", _("Universal")
        TARGETED = "targeted", _("Targeted")
        INDICATED = "indicated", _("Indicated / exit")

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        ENDED = "ended", _("Ended")
        UNKNOWN = "unknown", _("Not known")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        max_length=120, unique=True, help_text=_("The import key: the same title is the same project")
    )
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    countries = models.ManyToManyField(Country, related_name="projects", verbose_name=_("countries"))
    website = models.URLField(_("website"), max_length=500, blank=True)
    website_original = models.CharField(_("website as written in the source"), max_length=500, blank=True)
    funding = models.CharField(_("funding"), max_length=300, blank=True)
    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNKNOWN)
    prevention_level = models.CharField(
        _("prevention level"), max_length=16, choices=PreventionLevel.choices, blank=True
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="projects", verbose_name=_("target groups, themes and kinds of extremism")
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Title, summary, description, organisation, countries and contact names in one text, kept
    # up to date by the services, for the database's full-text index.
    search_document = models.TextField(blank=True, editable=False)
    source_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    source_line = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["is_published", "title"])]

    def __str__(self) -> str:
        return self.title


class ContactPoint(models.Model):
    """Who to contact about a project. Public data: the source page published it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone (E.164)"), max_length=32, blank=True)
    phone_original = models.CharField(_("telephone as written"), max_length=64, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    original_text = models.TextField(_("contact block as written in the source"), blank=True)

    class Meta:
        ordering = ["project", "position"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone


class EUNetwork(models.Model):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    summary = models.TextField(_("summary"))
    website = models.URLField(_("website"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("EU network")
        verbose_name_plural = _("EU networks")

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One import of a country page: what was read, what changed, what looked wrong."""

    source_name = models.CharField(_("source file"), max_length=300)
    source_sha256 = models.CharField(max_length=64)
    country = models.ForeignKey(Country, null=True, on_delete=models.PROTECT, related_name="import_batches")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True, help_text=_("[{line, message}]"))

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.started_at:%Y-%m-%d})"


class Submission(models.Model):
    """A proposal sent through "Get involved", waiting for a directory editor."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("An organisation")
        PROJECT = "project", _("A project")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("what you propose"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    proposer_name = models.CharField(_("your name"), max_length=200)
    proposer_email = models.EmailField(_("your e-mail address"))
    organisation_name = models.CharField(_("organisation"), max_length=300)
    title = models.CharField(_("project title"), max_length=300, blank=True)
    summary = models.TextField(_("what it does"))
    website = models.URLField(_("website"), max_length=500, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    contact = models.TextField(_("contact details to publish"), blank=True)
    target_groups = models.ManyToManyField(Tag, blank=True, verbose_name=_("target groups and themes"))
    prevention_level = models.CharField(
        _("prevention level"), max_length=16, choices=Project.PreventionLevel.choices, blank=True
    )
    client_address_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the client address, for the rate limit"
    )
    published_project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    published_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return self.title or self.organisation_name


class ModerationStep(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        EDITED = "edited", _("Edited")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d})"
