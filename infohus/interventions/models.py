"""Interventions (the work that follows a decision), the mentor corps, and lending between
municipalities.

An intervention belongs to a case and follows the case's need-to-know, except an anonymous advice
consultation, which has no case and holds no person: it is counted, never linked to anyone.
A mentor's place in the corps (MentorProfile) is about the professional, not a person of concern.
A lending request carries needs and a summary without identifying data until it is accepted;
only then does the lent mentor join the case team, and then for that case alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment


class InterventionKind(models.TextChoices):
    MENTORING = "mentoring", _("Mentoring")
    PARENT_COACHING = "parent_coaching", _("Parent or relative coaching")
    CONCERN_CONVERSATION = "concern_conversation", _("Concern conversation")
    STREET_WORK = "street_work", _("Street-level relational work")
    EXIT_TALKS = "exit_talks", _("Disengagement talks (exit)")
    CRITICAL_AFTERCARE = "critical_aftercare", _("Critical aftercare after return from a conflict zone")
    TREATMENT_REFERRAL = "treatment_referral", _("Referral to psychological treatment")
    PRISON_MENTORSHIP = "prison_mentorship", _("Prison or probation mentorship")
    ADVICE_CONSULTATION = "advice_consultation", _("Advice consultation")
    PROJECT_REFERRAL = "project_referral", _("Referral to a project in the directory")


class TreatmentKind(models.TextChoices):
    MOTIVATIONAL = "motivational", _("Motivational interviewing")
    ACCEPTANCE_COMMITMENT = "acceptance_commitment", _("Acceptance and commitment therapy")
    PROLONGED_EXPOSURE = "prolonged_exposure", _("Prolonged exposure")


class AdviceFor(models.TextChoices):
    PROFESSIONAL = "professional", _("A professional")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")


class Outcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    PARTLY_MET = "partly_met", _("Goals partly met")
    DECLINED = "declined", _("The person declined or stopped")
    MOVED = "moved", _("Moved away")
    PASSED_ON = "passed_on", _("Passed on to another service")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    OTHER = "other", _("Other")


class Intervention(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    kind = models.CharField(_("kind"), max_length=24, choices=InterventionKind.choices)
    # None only for an anonymous advice consultation (see the constraint below).
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="interventions")
    # The organisation that runs the intervention and answers for it.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    # The provider: a user, an organisation, or a project from the directory (at least one).
    provider_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="provided_interventions", verbose_name=_("provider"))
    provider_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+",
                                              verbose_name=_("providing organisation"))
    provider_project = models.ForeignKey("directory.Project", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("project"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    description = models.TextField(_("what the intervention is for"), blank=True)
    # Treatment referrals.
    treatment = models.CharField(_("treatment"), max_length=24, choices=TreatmentKind.choices, blank=True)
    # Advice consultations: to whom, and whether they stayed anonymous (then there is no case).
    advice_for = models.CharField(_("advice to"), max_length=16, choices=AdviceFor.choices, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention erased the intervention's text, goals and session notes; kind, dates,
    # outcome and session minutes stay for the statistics.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | (Q(kind="advice_consultation") & Q(anonymous=True)),
                name="intervention_on_a_case_unless_anonymous_advice",
            ),
            models.CheckConstraint(
                condition=Q(provider_user__isnull=False) | Q(provider_organisation__isnull=False)
                | Q(provider_project__isnull=False),
                name="intervention_has_a_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["provider_user", "status"]),
            models.Index(fields=["kind", "started_on"]),
            models.Index(fields=["started_on"]),  # interventions of a period over all kinds (insights)
        ]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.started_on})"


class Goal(models.Model):
    """One goal of the plan: what, by when, and how we will know."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        DROPPED = "dropped", _("Dropped")

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="goals")
    what = models.TextField(_("goal"))
    by_when = models.DateField(_("by when"))
    how_we_know = models.TextField(_("how we will know"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # A goal may carry on a line of a Balanced Risk Assessment's "what needs to happen".
    from_assessment = models.ForeignKey("assessments.Assessment", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("from the assessment"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["by_when", "pk"]

    def __str__(self) -> str:
        return self.what[:60]


class Session(models.Model):
    class Mode(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Telephone")
        VIDEO = "video", _("Video")
        WALK = "walk", _("Walk and talk")

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.MEETING)
    with_person = models.BooleanField(_("the person took part"), default=True)
    family = models.CharField(_("family members who took part"), max_length=300, blank=True)
    network = models.ManyToManyField("cases.NetworkMember", blank=True, related_name="+",
                                     verbose_name=_("network members who took part"))
    professionals = models.CharField(_("professionals who took part"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices,
                                   default=Compartment.GENERAL)
    goals = models.ManyToManyField(Goal, blank=True, related_name="sessions", verbose_name=_("goals worked on"))
    next_appointment = models.DateField(_("next appointment"), null=True, blank=True, db_index=True)
    # Hours of a lent mentor count towards the lending (for reimbursement).
    lending = models.ForeignKey("interventions.LendingRequest", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="sessions")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["intervention", "-held_on"]),
            models.Index(fields=["logged_by", "next_appointment"]),
            # mentor hours lent and borrowed per month (insights)
            models.Index(fields=["held_on"], condition=Q(lending__isnull=False), name="session_lent_held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} {self.held_on}"


# --- the mentor corps ------------------------------------------------------------------------------

class CorpsRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    PARENT_COACH = "parent_coach", _("Parent or relative coach")
    MENTOR_COACH = "mentor_coach", _("Mentor coach")


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children (under 15)")
    YOUNG = "young", _("Young people (15–17)")
    YOUNG_ADULTS = "young_adults", _("Young adults (18–29)")
    ADULTS = "adults", _("Adults (30 and over)")


class MentorProfile(models.Model):
    """A professional's entry in the national register of the mentor corps."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile")
    home_municipality = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("home municipality"))
    corps_role = models.CharField(_("role in the corps"), max_length=16, choices=CorpsRole.choices)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    # Lists as comma-separated codes (language codes such as "da,ar"; AgeGroup and ExtremismKind
    # values), filtered with the services' helpers.
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    age_groups = models.CharField(_("age groups"), max_length=200, blank=True)
    extremism_kinds = models.CharField(_("kinds of extremism"), max_length=200, blank=True)
    prison_work = models.BooleanField(_("experience of prison work"), default=False)
    capacity = models.PositiveSmallIntegerField(_("courses at once"), default=2)
    # The method training (six days in three blocks): when it was completed and until when it holds.
    accredited_on = models.DateField(_("method training completed"), null=True, blank=True)
    accreditation_expires_on = models.DateField(_("accreditation valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active in the corps"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        indexes = [models.Index(fields=["is_active", "corps_role", "home_municipality"])]
        verbose_name = _("member of the mentor corps")
        verbose_name_plural = _("mentor corps")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class CoachPairing(models.Model):
    """A mentor coach paired with a mentor, for supervision."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coached_pairings")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="coach_pairings")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach", "mentor"], condition=Q(ended_on__isnull=True),
                                               name="one_open_pairing_per_coach_and_mentor")]

    def __str__(self) -> str:
        return f"{self.coach} → {self.mentor}"


class Supervision(models.Model):
    """A supervision session of a mentor. Without personal data about mentees, unless it is tied to
    a case the coach is on the team of."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="supervisions")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    topics = models.TextField(_("topics"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.mentor} {self.held_on}"


# --- lending between municipalities -----------------------------------------------------------------

class LendingRequest(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        OFFERED = "offered", _("Mentor offered")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ACCEPTED = "accepted", _("Accepted: the mentor is lent")
        ENDED = "ended", _("Ended")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    requesting_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                                verbose_name=_("borrowing municipality"))
    lending_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                             verbose_name=_("lending municipality"))
    # The borrowing side's case; never shown to the lending side before acceptance.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="lending_requests")
    corps_role = models.CharField(_("role needed"), max_length=16, choices=CorpsRole.choices,
                                  default=CorpsRole.MENTOR)
    # What is needed, without identifying data: {"languages": [...], "age_group": "...",
    # "extremism_kind": "...", "gender": "...", "prison_work": bool}.
    needs = models.JSONField(_("needs"), default=dict, blank=True)
    summary = models.TextField(_("summary without identifying data"))
    hours_per_month = models.PositiveSmallIntegerField(_("expected hours per month"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT,
                              db_index=True)
    offered_mentor = models.ForeignKey(MentorProfile, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="lending_offers", verbose_name=_("mentor offered"))
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The mentoring intervention the lent mentor provides, made on acceptance.
    intervention = models.OneToOneField(Intervention, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="lending")
    end_reason = models.TextField(_("reason for ending"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(requesting_organisation=models.F("lending_organisation")),
                                   name="lending_between_two_municipalities"),
        ]
        indexes = [
            models.Index(fields=["lending_organisation", "status"]),
            models.Index(fields=["requesting_organisation", "status"]),
        ]
        verbose_name = _("lending request")
        verbose_name_plural = _("lending requests")

    def __str__(self) -> str:
        return self.reference
