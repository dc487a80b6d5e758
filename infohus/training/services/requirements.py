"""Writing recurring requirements, and sending the reminders before their due dates.

A requirement is kept by the trainers of one organisation: who must comply (a role in a kind of
organisation), how many such people each organisation needs, which course kinds satisfy it, how
often (in calendar months) and how many days before the due date a reminder goes out. Edits carry
the version the editor saw; a save over someone else's answers StaleEdit and changes
nothing.

Reminders: every person in scope of an active requirement whose due date falls within its
reminder window and has not passed gets one e-mail per due date (the Reminder row is unique per
requirement, person and due date, so a second run sends nothing). People without an e-mail address
are skipped and counted. Every change and every run writes its audit event in the same
transaction.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Role
from infohus.audit.services import record_event
from infohus.core.concurrency import StaleEdit
from infohus.training.models import CourseKind, Reminder, Requirement
from infohus.training.selectors.access import training_organisations
from infohus.training.selectors.compliance import (
    DUE_SOON,
    PersonRow,
    completions_due_between,
    due_on,
    in_scope,
)

logger = logging.getLogger(__name__)

MIN_INTERVAL, MAX_INTERVAL = 1, 120
MIN_REMIND, MAX_REMIND = 0, 365
MIN_PEOPLE, MAX_PEOPLE = 0, 100
PURPOSE = "training requirements"


@dataclass(frozen=True)
class RequirementData:
    """What a trainer writes about a requirement (the keeping organisation apart)."""

    name: str
    role: str
    organisation_kind: str
    satisfied_by: tuple[str, ...]
    interval_months: int
    remind_days_before: int = 30
    minimum_per_organisation: int = 1
    description: str = ""
    is_active: bool = True


def _checked(data: RequirementData) -> dict[str, Any]:
    """The fields as stored, or ValidationError with a message at each field that is wrong."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the requirement a name.")
    elif len(name) > 200:
        errors["name"] = _("Keep the name to 200 characters.")
    if data.role not in Role.values:
        errors["role"] = _("Choose the role the requirement applies to.")
    if data.organisation_kind not in Organisation.Kind.values:
        errors["organisation_kind"] = _("Choose the kind of organisation the requirement applies to.")
    kinds = list(dict.fromkeys(data.satisfied_by))
    if not kinds:
        errors["satisfied_by"] = _("Choose at least one kind of course whose completion satisfies the requirement.")
    elif any(kind not in CourseKind.values for kind in kinds):
        errors["satisfied_by"] = _("Choose kinds of course from the list.")
    if not MIN_INTERVAL <= data.interval_months <= MAX_INTERVAL:
        errors["interval_months"] = _("Give an interval from %(low)d to %(high)d months.") % {
            "low": MIN_INTERVAL, "high": MAX_INTERVAL}
    if not MIN_REMIND <= data.remind_days_before <= MAX_REMIND:
        errors["remind_days_before"] = _("Give a number of days from %(low)d to %(high)d (0: on the due date).") % {
            "low": MIN_REMIND, "high": MAX_REMIND}
    if not MIN_PEOPLE <= data.minimum_per_organisation <= MAX_PEOPLE:
        errors["minimum_per_organisation"] = _("Give a number of people from %(low)d to %(high)d.") % {
            "low": MIN_PEOPLE, "high": MAX_PEOPLE}
    if errors:
        raise ValidationError(errors)
    # Kept in the order of the catalogue, so that a form sent again compares equal.
    ordered = [kind for kind in CourseKind.values if kind in kinds]
    return {"name": name, "description": data.description.strip(), "role": data.role,
            "organisation_kind": data.organisation_kind, "minimum_per_organisation": data.minimum_per_organisation,
            "satisfied_by": ordered, "interval_months": data.interval_months,
            "remind_days_before": data.remind_days_before, "is_active": data.is_active}


def _require_trainer_of(actor: User, organisation: Organisation) -> None:
    if not training_organisations(actor).filter(organisation_id=organisation.pk).exists():
        raise PermissionDenied(_("Only the trainers of an organisation keep its requirements."))


@transaction.atomic
def create_requirement(*, actor: User, organisation: Organisation, data: RequirementData) -> Requirement:
    """A new requirement kept by `organisation`, whose trainer the actor is."""
    _require_trainer_of(actor, organisation)
    fields = _checked(data)
    requirement = Requirement.objects.create(organisation=organisation, created_by=actor, **fields)
    record_event(action="training.requirement_created", actor=actor, organisation=organisation,
                 object_type="requirement", object_id=requirement.pk, purpose=PURPOSE,
                 details={"role": requirement.role, "organisation_kind": requirement.organisation_kind,
                          "interval_months": requirement.interval_months})
    return requirement


@transaction.atomic
def update_requirement(*, actor: User, requirement: Requirement, expected_version: int,
                       data: RequirementData) -> Requirement:
    """Change a requirement, if nobody saved it since the editor opened version `expected_version`."""
    _require_trainer_of(actor, requirement.organisation)
    fields = _checked(data)
    changed = sorted(name for name, value in fields.items() if getattr(requirement, name) != value)
    updated = (Requirement.objects.filter(pk=requirement.pk, version=expected_version)
               .update(version=F("version") + 1, **fields))
    if not updated:
        raise StaleEdit(Requirement.objects.select_related("organisation").get(pk=requirement.pk))
    requirement.refresh_from_db()
    record_event(action="training.requirement_changed", actor=actor, organisation=requirement.organisation,
                 object_type="requirement", object_id=requirement.pk, purpose=PURPOSE,
                 details={"changed": changed, "version": requirement.version})
    return requirement


# --- reminders ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderCounts:
    requirements: int = 0  # active requirements looked at
    sent: int = 0
    already_sent: int = 0  # a reminder for that due date went out on an earlier run
    without_email: int = 0
    failed: int = 0  # the mail server refused; tried again on the next run

    def as_dict(self) -> dict[str, int]:
        return {"requirements": self.requirements, "sent": self.sent, "already_sent": self.already_sent,
                "without_email": self.without_email, "failed": self.failed}


def due_for_reminder(requirement: Requirement, *, today: date) -> list[PersonRow]:
    """People in scope whose due date is from today to the end of the reminder window, one row
    per person (someone in two institutions is reminded once). The window is turned into a range
    of completion dates, so that the database picks them out."""
    window_end = today + timedelta(days=requirement.remind_days_before)
    months = requirement.interval_months
    start, stop = completions_due_between(today, window_end, months)
    memberships = (in_scope(requirement)
                   .filter(Q(latest__gte=start), Q(latest__lt=stop))
                   .select_related("user", "organisation").order_by("user_id", "organisation__name", "pk"))
    rows: dict[int, PersonRow] = {}
    for m in memberships:
        latest: date = m.latest  # type: ignore[attr-defined]
        due = due_on(latest, months)
        if m.user_id in rows or due is None or not today <= due <= window_end:
            continue
        rows[m.user_id] = PersonRow(
            user_id=m.user_id, username=m.user.get_username(), name=m.user.get_full_name() or m.user.get_username(),
            email=m.user.email, preferred_language=m.user.preferred_language, organisation_id=m.organisation_id,
            organisation=m.organisation.name, latest=latest, due_on=due, status=DUE_SOON, days=(due - today).days)
    return list(rows.values())


def _language(preferred: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in codes else settings.LANGUAGE_CODE


def reminder_message(requirement: Requirement, row: PersonRow) -> tuple[str, str]:
    """Subject and plain-text body, in the language active when called."""
    assert row.due_on is not None and row.latest is not None and row.days is not None
    due = date_format(row.due_on, "DATE_FORMAT")
    courses = ", ".join(str(CourseKind(kind).label) for kind in requirement.satisfied_by if kind in CourseKind.values)
    when = (_("today") if row.days == 0 else
            ngettext("in %(days)d day", "in %(days)d days", row.days) % {"days": row.days})
    subject = _("Training due by %(due)s: %(requirement)s") % {"due": due, "requirement": requirement.name}
    lines = [
        _("Hello %(name)s,") % {"name": row.name},
        "",
        _("Under the requirement “%(requirement)s” you are due to complete a course again by %(due)s (%(when)s).")
        % {"requirement": requirement.name, "due": due, "when": when},
        _("You last completed a course that counts on %(latest)s.") % {
            "latest": date_format(row.latest, "DATE_FORMAT")},
        _("Courses that count: %(courses)s.") % {"courses": courses},
        "",
        _("Ask the trainers of %(keeper)s for a place on a course. Infohus shows your courses and due dates "
          "under “Your training”.") % {"keeper": requirement.organisation.name},
        *([settings.SITE_URL + reverse("training:my_training")] if settings.SITE_URL else []),
        "",
        _("This message was sent automatically, once for this due date."),
    ]
    return subject, "\n".join(lines) + "\n"


def _remind(requirement: Requirement, row: PersonRow) -> None:
    """Record the reminder and send it in one transaction: a mail that fails leaves no row, so the
    next run tries again; a row that exists already (a run at the same time) sends nothing."""
    assert row.due_on is not None
    with transaction.atomic():
        Reminder.objects.create(requirement=requirement, user_id=row.user_id, due_on=row.due_on)
        with translation.override(_language(row.preferred_language)):
            subject, body = reminder_message(requirement, row)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [row.email])


def send_reminders(*, today: date) -> ReminderCounts:
    """Send the reminders that are due today, and audit the run with its counts (never names)."""
    counts = {"requirements": 0, "sent": 0, "already_sent": 0, "without_email": 0, "failed": 0}
    requirements = Requirement.objects.filter(is_active=True).select_related("organisation").order_by("pk")
    for requirement in requirements:
        counts["requirements"] += 1
        rows = due_for_reminder(requirement, today=today)
        if not rows:
            continue
        sent_before = set(Reminder.objects.filter(requirement=requirement, user_id__in=[r.user_id for r in rows])
                          .values_list("user_id", "due_on"))
        for row in rows:
            if (row.user_id, row.due_on) in sent_before:
                counts["already_sent"] += 1
            elif not row.email:
                counts["without_email"] += 1
            else:
                try:
                    _remind(requirement, row)
                except IntegrityError:
                    counts["already_sent"] += 1
                except Exception:  # the mail server: logged, and tried again on the next run
                    logger.exception("Training reminder for requirement %s to user %s failed",
                                     requirement.pk, row.user_id)
                    counts["failed"] += 1
                else:
                    counts["sent"] += 1
    result = ReminderCounts(**counts)
    record_event(action="training.reminders_sent", object_type="requirement", purpose="training reminders",
                 details={**result.as_dict(), "on": today.isoformat()})
    return result
