from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TriageMeeting(models.Model):
    """A meeting of the Info house where concerns are assessed."""

    info_house = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    concerns = models.ManyToManyField("cases.Concern", blank=True, related_name="meetings")
    held = models.BooleanField(_("held"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.scheduled_for):%Y-%m-%d %H:%M}"


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(TriageMeeting, on_delete=models.CASCADE, related_name="attendees")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation}"


class LegalBasis(models.TextChoices):
    S115_SSP = "s115_ssp", _("Administration of Justice Act s. 115, within SSP")
    S115_PSP = "s115_psp", _("Administration of Justice Act s. 115, within PSP")
    S115_KSP = "s115_ksp", _("Administration of Justice Act s. 115, within KSP")
    S115_INFOHOUSE = "s115_infohouse", _("Administration of Justice Act s. 115, within the Info house")
    CONSENT = "consent", _("The person's consent")
    OTHER_LAW = "other_law", _("Another law (named)")


class Disclosure(models.Model):
    """One piece of information about a person that an authority passed on, with its legal basis.
    Shared for crime prevention; never exportable for a criminal investigation."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="disclosures")
    concern = models.ForeignKey("cases.Concern", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disclosures")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures")
    meeting = models.ForeignKey(TriageMeeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disclosures")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("shared by"))
    to_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("shared with"))
    summary = models.TextField(_("what was shared"))
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    other_law = models.CharField(_("the law, if another"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"))
    compartment = models.CharField(_("compartment"), max_length=16, default="general")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_at"]

    def __str__(self) -> str:
        return f"{self.get_legal_basis_display()}: {self.from_organisation}"


class TriageDecision(models.Model):
    class Kind(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        ADVICE_TO_REPORTER = "advice_to_reporter", _("Advice to the reporter")
        CONCERN_CONVERSATION = "concern_conversation", _("A concern conversation")
        STREET_LEVEL = "street_level", _("Street-level relational work")
        STATUTORY_OFFER = "statutory_offer", _("A statutory offer such as a mentor or parent coach (open a case)")
        REFERRAL = "referral", _("Referral to a project in the directory")
        POLICE_OR_SECURITY = "police_or_security", _("Passed to the police or the security service")

    concern = models.OneToOneField("cases.Concern", on_delete=models.PROTECT, related_name="decision")
    meeting = models.ForeignKey(TriageMeeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="decisions")
    kind = models.CharField(_("decision"), max_length=24, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("date of the decision"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_project = models.ForeignKey("directory.Project", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="referrals", verbose_name=_("project referred to"))
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="opening_decision")

    class Meta:
        indexes = [models.Index(fields=["decided_on"])]  # decisions and time to decision (insights)

    def __str__(self) -> str:
        return self.get_kind_display()
