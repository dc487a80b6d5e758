"""Community work: partners and their contact people, dialogue meetings with their topics and
follow-ups, outreach events, youth cohorts of a prevention programme, and the ambassador
programme that carries a peer group's needs to the professionals.

Everything belongs to one organisation (through its parent record) and is read only by that
organisation's community coordinators, with every read of a young person's or a contact's
details audited. Contact details are held only with consent; a young person under 18 joins a
cohort only with a parent's consent. An ambassador who has an account reads their own record,
activities and reports, nothing else.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation


class PartnerKind(models.TextChoices):
    MOSQUE = "mosque", _("Mosque or other place of worship")
    CULTURAL_SOCIETY = "cultural_society", _("Cultural society")
    SPORTS_CLUB = "sports_club", _("Sports club")
    YOUTH_CLUB = "youth_club", _("Youth club")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


class Partner(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    area = models.CharField(_("area or address"), max_length=200, blank=True)
    description = models.TextField(_("what the partnership is about"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("community partner")
        verbose_name_plural = _("community partners")

    def __str__(self) -> str:
        return self.name


class ContactPerson(models.Model):
    """A contact at a partner. Their details are held only while they consent; when consent is
    withdrawn the name and details are erased and only the fact of the contact remains."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    role_at_partner = models.CharField(_("role at the partner"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    consent_given_on = models.DateField(_("consent given on"))
    consent_how = models.CharField(_("how consent was given"), max_length=200)
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["partner", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True) | (Q(name="") & Q(phone="") & Q(email="")),
                name="no_contact_details_without_consent"),
        ]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self) -> str:
        return self.name or str(_("contact (consent withdrawn)"))


class DialogueMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    partners = models.ManyToManyField(Partner, blank=True, related_name="meetings", verbose_name=_("partners"))
    community_participants = models.TextField(_("who took part from the community"), blank=True)
    # The authorities present: organisations on the platform, and others in words.
    authorities = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                         verbose_name=_("authorities that took part"))
    other_authorities = models.CharField(_("other authorities"), max_length=300, blank=True)
    agreed = models.TextField(_("what was agreed"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]
        verbose_name = _("dialogue meeting")
        verbose_name_plural = _("dialogue meetings")

    def __str__(self) -> str:
        return f"{_('Dialogue meeting')} {self.held_on:%Y-%m-%d}"


class Topic(models.Model):
    """A topic on a meeting's agenda; it may come from an ambassador's report."""

    meeting = models.ForeignKey(DialogueMeeting, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("topic"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    peer_report = models.ForeignKey("PeerReport", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="topics", verbose_name=_("from an ambassador's report"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    meeting = models.ForeignKey(DialogueMeeting, on_delete=models.CASCADE, related_name="follow_ups")
    what = models.CharField(_("what is to be done"), max_length=300)
    # The owner: a user of the platform, or someone named in words (a partner's contact).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("owner"))
    owner_name = models.CharField(_("owner outside the platform"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(owner__isnull=False) | ~Q(owner_name=""),
                                   name="follow_up_has_an_owner"),
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.what


class OutreachEvent(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentation")
        WORKSHOP = "workshop", _("Workshop")

    class Audience(models.TextChoices):
        PROFESSIONALS = "professionals", _("Professionals")
        SCHOOL = "school", _("A school (pupils or staff)")
        PARENTS = "parents", _("Parents")
        PUBLIC = "public", _("The public")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("number of attendees"), null=True, blank=True)
    # The evaluation forms returned, counted by answer to "How useful was it?" (1 = not at all, 5 =
    # very useful), as {"1": n, ..., "5": n}; and what people wrote, summarised.
    evaluation_counts = models.JSONField(_("evaluations by answer"), default=dict, blank=True)
    evaluation_summary = models.TextField(_("what the evaluations said"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]  # community activity per month (insights)
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self) -> str:
        return self.title


# --- youth cohorts --------------------------------------------------------------------------------

class YouthCohort(models.Model):
    """A group of young people taking a prevention programme together."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    programme = models.CharField(_("programme"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_ends_after_it_starts"),
        ]
        indexes = [models.Index(fields=["starts_on"])]  # community activity per month (insights)
        verbose_name = _("youth cohort")
        verbose_name_plural = _("youth cohorts")

    def __str__(self) -> str:
        return self.name


class CohortModule(models.Model):
    cohort = models.ForeignKey(YouthCohort, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [models.UniqueConstraint(fields=["cohort", "number"], name="one_module_number_per_cohort")]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class YouthParticipant(models.Model):
    class ConsentBy(models.TextChoices):
        SELF = "self", _("The young person (18 or over)")
        PARENT = "parent", _("A parent or guardian")

    cohort = models.ForeignKey(YouthCohort, on_delete=models.PROTECT, related_name="participants")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    consent_given_on = models.DateField(_("consent given on"))
    consent_by = models.CharField(_("consent given by"), max_length=8, choices=ConsentBy.choices)
    parent_name = models.CharField(_("parent or guardian who consented"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["cohort", "first_name", "last_name", "pk"]
        indexes = [models.Index(fields=["joined_on"])]  # community activity per month (insights)
        constraints = [
            models.CheckConstraint(condition=Q(consent_by="self") | ~Q(parent_name=""),
                                   name="parental_consent_names_the_parent"),
        ]
        verbose_name = _("young participant")
        verbose_name_plural = _("young participants")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ModuleAttendance(models.Model):
    participant = models.ForeignKey(YouthParticipant, on_delete=models.CASCADE, related_name="attendance")
    module = models.ForeignKey(CohortModule, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "module"],
                                               name="one_attendance_per_module")]

    def __str__(self) -> str:
        return f"{self.participant} · {self.module}"


class YouthGoal(models.Model):
    """A goal for active citizenship, in the young person's own words."""

    participant = models.ForeignKey(YouthParticipant, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal in the young person's words"), max_length=300)
    set_on = models.DateField(_("set on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["participant", "set_on", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text


class Progress(models.TextChoices):
    """How far the young person and the coordinator agreed the goal has come (their words)."""

    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    GOOD_PROGRESS = "good_progress", _("Good progress")
    REACHED = "reached", _("Reached")


class GoalProgress(models.Model):
    goal = models.ForeignKey(YouthGoal, on_delete=models.CASCADE, related_name="progress")
    noted_on = models.DateField(_("noted on"))
    progress = models.CharField(_("progress"), max_length=16, choices=Progress.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["goal", "noted_on", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.get_progress_display()} ({self.noted_on:%Y-%m-%d})"


# --- the ambassador programme ---------------------------------------------------------------------

class AmbassadorModule(models.TextChoices):
    """The ambassador programme's own training modules."""

    ROLE = "role", _("The ambassador's role and its limits")
    PEER_CONVERSATIONS = "peer_conversations", _("Having a conversation with a peer")
    NOTICING_CONCERNS = "noticing_concerns", _("Noticing when someone is at risk, and whom to tell")
    PRESENTING = "presenting", _("Presenting to a group")
    WHERE_TO_GET_HELP = "where_to_get_help", _("Where young people can get help")


class Ambassador(models.Model):
    participant = models.OneToOneField(YouthParticipant, on_delete=models.PROTECT, related_name="ambassador")
    # The account the ambassador signs in with, if they have one (role "ambassador").
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ambassador", verbose_name=_("account"))
    started_on = models.DateField(_("started on"))
    # Set by the coordinator when the modules are done and the young person is ready to act.
    ready_on = models.DateField(_("ready to act since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["participant__first_name", "pk"]
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")

    def __str__(self) -> str:
        return str(self.participant)


class AmbassadorModuleDone(models.Model):
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="modules_done")
    module = models.CharField(_("module"), max_length=24, choices=AmbassadorModule.choices)
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ambassador", "module"], name="one_completion_per_module")]

    def __str__(self) -> str:
        return self.get_module_display()


class AmbassadorActivity(models.Model):
    class Kind(models.TextChoices):
        PEER_CONVERSATION = "peer_conversation", _("Conversation with a peer")
        PRESENTATION = "presentation", _("Presentation")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    ambassador = models.ForeignKey(Ambassador, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    people_reached = models.PositiveIntegerField(_("young people reached"), default=1)
    note = models.TextField(_("what happened (no names)"), blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("ambassador activity")
        verbose_name_plural = _("ambassador activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.held_on:%Y-%m-%d})"


class PeerReport(models.Model):
    """A need or a concern an ambassador hears from their peer group. It reaches the coordinators'
    inbox; a coordinator takes it to a dialogue meeting, or, where someone is at risk, reports a
    concern to the desk, and the ambassador is told what happens next."""

    class Kind(models.TextChoices):
        NEED = "need", _("A need in my peer group")
        CONCERN = "concern", _("A worry about someone")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        READ = "read", _("Read")
        DIALOGUE = "dialogue", _("Taken to a dialogue meeting")
        DESK = "desk", _("Passed on as a concern")
        CLOSED = "closed", _("Closed")

    ambassador = models.ForeignKey(Ambassador, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.TextField(_("what you heard"))
    someone_at_risk = models.BooleanField(_("someone may be at risk"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    # What the ambassador is told happens next, in words written for them.
    reply = models.TextField(_("what happens next (the ambassador reads this)"), blank=True)
    # The concern in the desk it became, by id only: the ambassador never sees it.
    concern_id = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["reported_at"])]  # community activity per month (insights)
        verbose_name = _("ambassador's report")
        verbose_name_plural = _("ambassadors' reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.reported_at:%Y-%m-%d}"
