"""Training of professionals: the course catalogue, course runs with their days or blocks,
enrolments and attendance, questionnaires answered before and after, recurring requirements and
the reminders sent for them.

Everything here is about professionals, not people of concern. An enrolment may be a platform
user or an external participant (a name and an organisation); it is still personal data, so only
the trainers of the organisation that keeps the course read it, and the participant their own.
Completion is a fact of attendance (present at every day or block), never a judgement.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.accounts.roles import Role


class CourseKind(models.TextChoices):
    PSP = "psp", _("PSP course (police, social services and psychiatry)")
    RESOURCE_PERSON = "resource_person", _("Resource-person course")
    RESOURCE_PERSON_FOLLOW_UP = "resource_person_follow_up", _("Resource-person follow-up")
    AWARENESS = "awareness", _("Awareness session at a staff meeting")
    MENTOR_METHOD = "mentor_method", _("Mentor and parent-coach method training")
    SPECIALISED = "specialised", _("Specialised training")
    OTHER = "other", _("Other")


class UnitKind(models.TextChoices):
    """What attendance is taken for: a whole day, a block of days, or one session."""

    DAY = "day", _("day")
    BLOCK = "block", _("block")
    SESSION = "session", _("session")


class Course(models.Model):
    """An entry of the catalogue, kept by the trainers of one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=32, choices=CourseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # How a run is split for attendance: e.g. 2 days, 3 blocks, 1 session.
    units = models.PositiveSmallIntegerField(_("number of days, blocks or sessions"), default=1)
    unit_kind = models.CharField(_("attendance is taken per"), max_length=8, choices=UnitKind.choices,
                                 default=UnitKind.DAY)
    duration = models.CharField(_("duration"), max_length=60, blank=True,
                                help_text=_("As the catalogue says it, e.g. “2–5 days” or “1.5 hours”."))
    is_active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1) & Q(units__lte=30), name="course_units_1_to_30"),
        ]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class CourseRun(models.Model):
    """One time a course is held: dates, place, trainers, capacity and cost."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="runs", verbose_name=_("course"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="training_runs",
                                      verbose_name=_("trainers"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    cost = models.DecimalField(_("cost (DKK)"), max_digits=12, decimal_places=2, default=0)
    cost_note = models.CharField(_("what the cost covers"), max_length=200, blank=True)
    # A published instrument (use "training") answered before and after; None for no questionnaire.
    questionnaire = models.ForeignKey("assessments.InstrumentVersion", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", verbose_name=_("questionnaire"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="run_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="run_has_places"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="run_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["course", "starts_on"])]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_on:%Y-%m-%d})"


class RunUnit(models.Model):
    """A day, block or session of a run, for which attendance is recorded."""

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveSmallIntegerField(_("number"))
    held_on = models.DateField(_("held on"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_unit_number_per_run")]
        verbose_name = _("day or block")
        verbose_name_plural = _("days and blocks")

    def __str__(self) -> str:
        return self.label or f"{self.number} ({self.held_on:%Y-%m-%d})"


class Enrolment(models.Model):
    """A place on a run: a platform user, or an external participant with their organisation."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    run = models.ForeignKey(CourseRun, on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="enrolments", verbose_name=_("participant on the platform"))
    # An external participant's name; for a user, their name at enrolment (for the certificate).
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation on the platform"))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    # Kept on the row, for the report by organisation kind (also for external organisations).
    organisation_kind = models.CharField(_("kind of organisation"), max_length=32,
                                         choices=Organisation.Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED,
                              db_index=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, db_index=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], condition=Q(user__isnull=False),
                                    name="one_enrolment_per_user_and_run"),
            models.UniqueConstraint(fields=["certificate_number"], condition=~Q(certificate_number=""),
                                    name="certificate_numbers_unique"),
        ]
        indexes = [models.Index(fields=["user", "completed_on"])]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.name} · {self.run}"


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    unit = models.ForeignKey(RunUnit, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "unit"], name="one_attendance_per_unit")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.unit}"


class Phase(models.TextChoices):
    PRE = "pre", _("Before the course")
    POST = "post", _("After the course")


class QuestionnaireAnswer(models.Model):
    """One participant's answers before or after the run, to the run's questionnaire. Answers are
    cleaned by the assessments engine, keyed by the instrument's field keys."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    phase = models.CharField(_("when"), max_length=4, choices=Phase.choices)
    questionnaire = models.ForeignKey("assessments.InstrumentVersion", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    # The participant themself, or a trainer typing in a paper form.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "phase"], name="one_answer_per_phase")]
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_phase_display()}"


class Requirement(models.Model):
    """A recurring requirement, e.g. every prison or probation institution has a resource person,
    and each resource person completes a follow-up every six months."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Who must comply: members in this role of organisations of this kind.
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation_kind = models.CharField(_("in organisations of kind"), max_length=32,
                                         choices=Organisation.Kind.choices)
    minimum_per_organisation = models.PositiveSmallIntegerField(_("people needed in each organisation"),
                                                                default=1)
    # Completing a run of any of these course kinds satisfies it (a list of CourseKind values).
    satisfied_by = models.JSONField(_("satisfied by completing"), default=list)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"))
    remind_days_before = models.PositiveSmallIntegerField(_("remind (days before the due date)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_months__gte=1) & Q(interval_months__lte=120),
                                   name="requirement_interval_1_to_120_months"),
        ]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder sent to one person for one due date: at most one per due date."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "user", "due_on"],
                                               name="one_reminder_per_due_date")]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.due_on:%Y-%m-%d}"
