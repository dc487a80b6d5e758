from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExtremismKind(models.TextChoices):
    RIGHT_WING = "right_wing", _("Right-wing")
    LEFT_WING = "left_wing", _("Left-wing")
    RELIGIOUS = "religious", _("Religious")
    SINGLE_ISSUE = "single_issue", _("Single-issue")
    HATE_CRIME = "hate_crime", _("Hate crime")
    MIXED = "mixed", _("Mixed or unclear")
    NOT_KNOWN = "not_known", _("Not known")


class Concern(models.Model):
    """A worry about a person, from the one who noticed it, on its way to those who can help."""

    class Status(models.TextChoices):
        LOCAL_ASSESSMENT = "local_assessment", _("With the institution's resource person")
        HANDLED_LOCALLY = "handled_locally", _("Handled locally")
        NO_CONCERN = "no_concern", _("Closed: no concern")
        AWAITING_TRIAGE = "awaiting_triage", _("Waiting for the Info house")
        IN_TRIAGE = "in_triage", _("Being assessed by the Info house")
        DECIDED = "decided", _("Decided")

    class Channel(models.TextChoices):
        FORM = "form", _("Form")
        TELEPHONE = "telephone", _("Telephone")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    channel = models.CharField(_("received by"), max_length=12, choices=Channel.choices, default=Channel.FORM)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reported_concerns")
    reporter_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    # Who took a telephone concern at the Info house.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="recorded_concerns")
    # A telephone concern from outside the platform (a relative, possibly anonymous).
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    caller_relation = models.CharField(_("caller's relation to the person"), max_length=100, blank=True)
    caller_contact = models.CharField(_("caller's contact details"), max_length=200, blank=True)
    caller_anonymous = models.BooleanField(_("the caller stays anonymous"), default=False)
    # Where it is now: the institution (local assessment) and the Info house that will triage it.
    institution = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("institution"))
    info_house = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("Info house"))
    observed = models.TextField(_("what you saw or heard"))
    observed_on = models.DateField(_("when"))
    observed_where = models.CharField(_("where"), max_length=300)
    others_who_know = models.TextField(_("who else knows"), blank=True)
    worries = models.TextField(_("what worries you"))
    immediate_danger = models.BooleanField(_("there is immediate danger"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False, db_index=True)
    extremism = models.CharField(_("kind of extremism"), max_length=16, choices=ExtremismKind.choices,
                                 default=ExtremismKind.NOT_KNOWN)
    person = models.ForeignKey("cases.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="concerns")
    # What the reporter wrote about the person before a record is found or made.
    person_described = models.TextField(_("the person concerned"), blank=True)
    # What the reporter may be told at the end, in general terms.
    outcome_for_reporter = models.CharField(_("outcome told to the reporter"), max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when retention erased what the concern said; kind, dates and outcome stay for statistics.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-urgent", "received_at"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        indexes = [
            models.Index(fields=["info_house", "status", "-urgent", "received_at"]),
            # the people of an Info house's concerns, read by every person search
            models.Index(fields=["info_house", "person"]),
        ]

    def __str__(self) -> str:
        return self.reference


class ConcernAttachment(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="concerns/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class LocalAssessment(models.Model):
    """The cross-professional assessment in the institution before a concern goes further."""

    class Decision(models.TextChoices):
        HANDLE_LOCALLY = "handle_locally", _("Handle it locally")
        NO_CONCERN = "no_concern", _("Close: no concern")
        FORWARD = "forward", _("Forward to the Info house")

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="local_assessment")
    participants = models.TextField(_("who took part"))
    conclusion = models.TextField(_("what you concluded"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.concern}: {self.get_decision_display()}"
