"""Changes to a case, its team, timeline, tasks, reviews, consents and person; break the glass.

Every function takes the CaseAccess that the need-to-know selector gave the caller, so a write
can only happen to a case the caller was allowed to open. Writing needs a place on the team:
break-the-glass access is for reading in an emergency. Each write records an audit event with
the person concerned and its purpose, in the same transaction.

Edits of a case or a person are optimistic: the caller passes the version it saw, the row is
updated only if that is still the version, and otherwise StaleEdit is raised and nothing changes.
"""

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import COMPARTMENTS, Capability, Role, role_can
from infohus.audit.services import record_event
from infohus.background.tasks import send_email
from infohus.cases import attachments, identifiers
from infohus.cases.attachments import MAX_ATTACHMENT_BYTES
from infohus.cases.models import (
    BreakGlassAccess,
    Case,
    CaseAttachment,
    ConsentRecord,
    NetworkMember,
    Note,
    Person,
    Review,
    Task,
    TeamMember,
)
from infohus.cases.names import search_name_for
from infohus.cases.selectors.need_to_know import CaseAccess, may_break_glass
from infohus.core.concurrency import StaleEdit

# How long break-the-glass access lasts; a setting of that name overrides it.
BREAK_GLASS_MINUTES: int = getattr(settings, "BREAK_GLASS_MINUTES", 60)

# Case attachments follow the same rules as concern attachments (infohus/cases/attachments.py).
ATTACHMENT_MAX_BYTES = MAX_ATTACHMENT_BYTES


# --- who may do what --------------------------------------------------------------------------

def _require_team(access: CaseAccess) -> TeamMember:
    """Writing needs an active place on the team; break-the-glass access is read-only."""
    if access.team_member is None:
        raise PermissionDenied(_("Only members of the case team can change the case."))
    return access.team_member


def can_manage(access: CaseAccess) -> bool:
    """The lead, or a team member acting for the owning organisation in a role that manages cases."""
    member = access.team_member
    if member is None:
        return False
    if access.case.lead_id == member.user_id:
        return True
    return member.organisation_id == access.case.owner_id and role_can(member.role, Capability.MANAGE_CASE)


def _require_manager(access: CaseAccess) -> TeamMember:
    member = _require_team(access)
    if not can_manage(access):
        raise PermissionDenied(_("Only the case lead or a case manager of the owning organisation can do this."))
    return member


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("The case is closed. Reopen it first."))


def _audit(access: CaseAccess, actor: User, action: str, *, object_type: str = "case", object_id: object = None,
           purpose: str, details: dict[str, Any] | None = None) -> None:
    record_event(action=action, actor=actor, object_type=object_type,
                 object_id=access.case.pk if object_id is None else object_id,
                 person_id=access.case.person_id, purpose=purpose,
                 details={"case": access.case.pk, **(details or {})})


def role_compartments(role: str) -> frozenset[str]:
    return frozenset(c.value for c in COMPARTMENTS.get(Role(role), frozenset()))


# --- the timeline -----------------------------------------------------------------------------

@transaction.atomic
def add_note(*, access: CaseAccess, actor: User, compartment: str, text: str) -> Note:
    """A note in the case's timeline, in a compartment that the writer can see."""
    _require_team(access)
    _require_open(access.case)
    if not access.sees(compartment):
        raise PermissionDenied(_("You cannot write in a compartment you do not see."))
    note = Note.objects.create(case=access.case, compartment=compartment, text=text.strip(), author=actor)
    _audit(access, actor, "case.note_added", object_type="case.note", object_id=note.pk,
           purpose="case work", details={"compartment": compartment})
    return note


def check_attachment(upload: "UploadedFile[bytes]") -> str:
    """The upload's content type, or a ValidationError saying what is wrong with the file."""
    try:
        return attachments.check_attachment(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    except attachments.AttachmentRefused as refusal:
        raise ValidationError(str(refusal)) from None


@transaction.atomic
def add_attachment(*, access: CaseAccess, actor: User, compartment: str,
                   upload: "UploadedFile[bytes]") -> CaseAttachment:
    """A file in one compartment of the case. Stored under a random name; served only by the
    view that checks the reader's access and compartment."""
    _require_team(access)
    _require_open(access.case)
    if not access.sees(compartment):
        raise PermissionDenied(_("You cannot attach files in a compartment you do not see."))
    content_type = check_attachment(upload)
    original = PurePath(upload.name or "file").name[:200]
    upload.name = f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()}"
    attachment = CaseAttachment.objects.create(
        case=access.case, compartment=compartment, file=upload, original_name=original,
        content_type=content_type, size=upload.size or 0, uploaded_by=actor,
    )
    _audit(access, actor, "case.attachment_added", object_type="case.attachment", object_id=attachment.pk,
           purpose="case work", details={"compartment": compartment, "size": attachment.size})
    return attachment


def attachment_for_reader(*, access: CaseAccess, actor: User, attachment_pk: int) -> CaseAttachment | None:
    """An attachment of this case in a compartment the reader sees (audited), or None."""
    attachment = CaseAttachment.objects.filter(case=access.case, pk=attachment_pk,
                                               compartment__in=access.compartments).first()
    if attachment is not None:
        _audit(access, actor, "case.attachment_read", object_type="case.attachment", object_id=attachment.pk,
               purpose="case work", details={"compartment": attachment.compartment})
    return attachment


# --- the team ---------------------------------------------------------------------------------

def _check_compartments(role: str, compartments: set[str] | frozenset[str]) -> str:
    if not compartments:
        raise ValidationError(_("Choose at least one compartment."))
    beyond = set(compartments) - role_compartments(role)
    if beyond:
        raise ValidationError(
            _("The role %(role)s may not see: %(compartments)s.")
            % {"role": Role(role).label, "compartments": ", ".join(sorted(beyond))}
        )
    return ",".join(sorted(compartments))


@transaction.atomic
def add_team_member(*, access: CaseAccess, actor: User, membership: Membership,
                    compartments: set[str]) -> TeamMember:
    """Put someone on the team, acting in one of their memberships, seeing the given compartments
    (never more than that role may see). Someone who left the team comes back."""
    _require_manager(access)
    _require_open(access.case)
    if not membership.is_active or not role_can(membership.role, Capability.WORK_ON_CASE):
        raise ValidationError(_("That person's role cannot work on cases."))
    csv = _check_compartments(membership.role, compartments)
    member = TeamMember.objects.select_for_update().filter(case=access.case, user_id=membership.user_id).first()
    if member is not None and member.is_active:
        raise ValidationError(_("%(name)s is already on the team.") % {"name": membership.user})
    if member is None:
        member = TeamMember.objects.create(case=access.case, user_id=membership.user_id,
                                           organisation_id=membership.organisation_id, role=membership.role,
                                           compartments=csv, added_by=actor)
    else:
        member.organisation_id = membership.organisation_id
        member.role = membership.role
        member.compartments = csv
        member.is_active = True
        member.added_by = actor
        member.save(update_fields=["organisation", "role", "compartments", "is_active", "added_by"])
    _audit(access, actor, "case.team_member_added", object_type="case.team_member", object_id=member.pk,
           purpose="case management",
           details={"user": membership.user_id, "role": membership.role, "compartments": csv})
    return member


@transaction.atomic
def change_team_member(*, access: CaseAccess, actor: User, member: TeamMember, compartments: set[str]) -> TeamMember:
    """Change which compartments a team member sees (within what their role allows)."""
    _require_manager(access)
    if member.case_id != access.case.pk or not member.is_active:
        raise ValidationError(_("That person is not on this team."))
    csv = _check_compartments(member.role, compartments)
    before = member.compartments
    member.compartments = csv
    member.save(update_fields=["compartments"])
    _audit(access, actor, "case.team_member_changed", object_type="case.team_member", object_id=member.pk,
           purpose="case management", details={"user": member.user_id, "from": before, "to": csv})
    return member


@transaction.atomic
def remove_team_member(*, access: CaseAccess, actor: User, member: TeamMember) -> None:
    """Take someone off the team; their entry stays (inactive) for the record."""
    _require_manager(access)
    if member.case_id != access.case.pk or not member.is_active:
        raise ValidationError(_("That person is not on this team."))
    if member.user_id == access.case.lead_id:
        raise ValidationError(_("The lead cannot leave the team. Choose another lead first."))
    member.is_active = False
    member.save(update_fields=["is_active"])
    _audit(access, actor, "case.team_member_removed", object_type="case.team_member", object_id=member.pk,
           purpose="case management", details={"user": member.user_id})


@transaction.atomic
def end_lent_membership(*, case: Case, user_id: int, actor: User, reason: str) -> None:
    """A lent mentor leaves the team when the lending ends, whichever side ends it: the lending
    municipality ends it without being on the case, so this takes the case, not a CaseAccess.
    Only the interventions app's lending service calls it."""
    member = TeamMember.objects.select_for_update().filter(case=case, user_id=user_id, is_active=True).first()
    if member is None or member.user_id == case.lead_id:
        return
    member.is_active = False
    member.save(update_fields=["is_active"])
    record_event(action="case.team_member_removed", actor=actor, object_type="case.team_member",
                 object_id=member.pk, person_id=case.person_id, purpose="mentor lending ended",
                 details={"case": case.pk, "user": user_id, "reason": reason})


# --- tasks, reviews, consents -----------------------------------------------------------------

@transaction.atomic
def add_task(*, access: CaseAccess, actor: User, title: str, due_on: date, assignee: User) -> Task:
    """A task for someone on the team."""
    _require_team(access)
    _require_open(access.case)
    if not TeamMember.objects.filter(case=access.case, user=assignee, is_active=True).exists():
        raise ValidationError(_("A task can only be given to someone on the team."))
    task = Task.objects.create(case=access.case, title=title.strip(), due_on=due_on, assignee=assignee,
                               created_by=actor)
    _audit(access, actor, "case.task_added", object_type="case.task", object_id=task.pk, purpose="case work",
           details={"assignee": assignee.pk, "due_on": due_on})
    return task


@transaction.atomic
def complete_task(*, access: CaseAccess, actor: User, task_pk: int) -> Task:
    """Mark a task done: its assignee or a case manager."""
    _require_team(access)
    task = Task.objects.select_for_update().filter(case=access.case, pk=task_pk).first()
    if task is None:
        raise ValidationError(_("There is no such task on this case."))
    if task.assignee_id != actor.pk and not can_manage(access):
        raise PermissionDenied(_("Only the assignee or a case manager can mark the task done."))
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _audit(access, actor, "case.task_done", object_type="case.task", object_id=task.pk, purpose="case work")
    return task


def add_months(day: date, months: int) -> date:
    """The same day so many months later, or the month's last day where that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def record_review(*, access: CaseAccess, actor: User, held_on: date, summary: str) -> Review:
    """A review of the case; the next review moves on by the case's interval from this one."""
    _require_manager(access)
    _require_open(access.case)
    if held_on > timezone.localdate():
        raise ValidationError(_("A review cannot be held in the future."))
    review = Review.objects.create(case=access.case, held_on=held_on, summary=summary.strip(), recorded_by=actor)
    next_on = add_months(held_on, access.case.review_every_months)
    Case.objects.filter(pk=access.case.pk).update(next_review_on=next_on, version=F("version") + 1)
    _audit(access, actor, "case.review_recorded", object_type="case.review", object_id=review.pk,
           purpose="case management", details={"held_on": held_on, "next_review_on": next_on})
    return review


@transaction.atomic
def add_consent(*, access: CaseAccess, actor: User, given_by: str, scope: str, given_on: date) -> ConsentRecord:
    """A consent given by the person (or a guardian) and what it covers."""
    _require_manager(access)
    if given_on > timezone.localdate():
        raise ValidationError(_("A consent cannot be given in the future."))
    consent = ConsentRecord.objects.create(case=access.case, given_by=given_by.strip(), scope=scope.strip(),
                                           given_on=given_on, recorded_by=actor)
    _audit(access, actor, "case.consent_given", object_type="case.consent", object_id=consent.pk,
           purpose="case management", details={"given_on": given_on})
    return consent


@transaction.atomic
def withdraw_consent(*, access: CaseAccess, actor: User, consent_pk: int, withdrawn_on: date) -> ConsentRecord:
    """Record that a consent was withdrawn on a date."""
    _require_manager(access)
    consent = ConsentRecord.objects.select_for_update().filter(case=access.case, pk=consent_pk).first()
    if consent is None:
        raise ValidationError(_("There is no such consent on this case."))
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    if withdrawn_on > timezone.localdate() or withdrawn_on < consent.given_on:
        raise ValidationError(_("The withdrawal date must be between the consent's date and today."))
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    _audit(access, actor, "case.consent_withdrawn", object_type="case.consent", object_id=consent.pk,
           purpose="case management", details={"withdrawn_on": withdrawn_on})
    return consent


# --- the case itself, with optimistic concurrency ---------------------------------------------

def _update_case(access: CaseAccess, expected_version: int, **changes: Any) -> Case:
    updated = Case.objects.filter(pk=access.case.pk, version=expected_version).update(
        version=F("version") + 1, **changes)
    if updated == 0:
        raise StaleEdit(Case.objects.select_related("lead").get(pk=access.case.pk))
    return Case.objects.get(pk=access.case.pk)


@transaction.atomic
def edit_case(*, access: CaseAccess, actor: User, expected_version: int, review_every_months: int,
              next_review_on: date | None, lead: User) -> Case:
    """Change the review interval, the next review date and the lead (someone on the team whose
    role manages cases)."""
    _require_manager(access)
    if not 1 <= review_every_months <= 24:
        raise ValidationError(_("Reviews are held every 1 to 24 months."))
    lead_entry = TeamMember.objects.filter(case=access.case, user=lead, is_active=True).first()
    if lead_entry is None or not role_can(lead_entry.role, Capability.MANAGE_CASE):
        raise ValidationError(_("The lead must be on the team in a role that manages cases."))
    case = _update_case(access, expected_version, review_every_months=review_every_months,
                        next_review_on=next_review_on, lead=lead)
    _audit(access, actor, "case.edited", purpose="case management",
           details={"review_every_months": review_every_months, "next_review_on": next_review_on, "lead": lead.pk})
    return case


@transaction.atomic
def close_case(*, access: CaseAccess, actor: User, expected_version: int, outcome: str, reason: str) -> Case:
    """Close the case with an outcome category and a reason."""
    _require_manager(access)
    _require_open(access.case)
    if outcome not in Case.Outcome.values:
        raise ValidationError(_("Choose an outcome."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for closing."))
    case = _update_case(access, expected_version, status=Case.Status.CLOSED, closed_at=timezone.now(),
                        outcome=outcome, closure_reason=reason.strip())
    _audit(access, actor, "case.closed", purpose="case management", details={"outcome": outcome})
    return case


@transaction.atomic
def reopen_case(*, access: CaseAccess, actor: User, expected_version: int) -> Case:
    """Open a closed case again; the earlier outcome stays in the audit trail."""
    _require_manager(access)
    if access.case.status != Case.Status.CLOSED:
        raise ValidationError(_("The case is already open."))
    previous = access.case.outcome
    case = _update_case(access, expected_version, status=Case.Status.OPEN, closed_at=None, outcome="",
                        closure_reason="")
    _audit(access, actor, "case.reopened", purpose="case management", details={"previous_outcome": previous})
    return case


# --- the person and their network -------------------------------------------------------------

@dataclass(frozen=True)
class PersonChanges:
    first_name: str
    last_name: str
    birth_date: date | None
    gender: str
    municipality: Organisation | None
    languages: str
    phone: str
    email: str
    address: str
    identifier_country: str
    # Empty keeps the identifier on record; otherwise it is validated and replaces it.
    identifier: str = ""


@dataclass(frozen=True)
class NetworkChange:
    pk: int | None
    name: str
    relation: str
    contact: str
    delete: bool = False


@transaction.atomic
def edit_person(*, access: CaseAccess, actor: User, expected_version: int, changes: PersonChanges,
                network: list[NetworkChange]) -> Person:
    """Update the person of the case and their network in one step, if nobody saved in between."""
    _require_manager(access)
    if changes.birth_date is not None and changes.birth_date > timezone.localdate():
        raise ValidationError(_("A birth date cannot be in the future."))
    fields: dict[str, Any] = {
        "first_name": changes.first_name.strip(), "last_name": changes.last_name.strip(),
        "birth_date": changes.birth_date, "gender": changes.gender, "municipality": changes.municipality,
        "languages": changes.languages.strip(), "phone": changes.phone.strip(), "email": changes.email.strip(),
        "address": changes.address.strip(), "identifier_country": changes.identifier_country,
        "search_name": search_name_for(changes.first_name, changes.last_name), "updated_at": timezone.now(),
    }
    if changes.identifier.strip():
        number = identifiers.validate(changes.identifier_country, changes.identifier)
        fields["identifier_encrypted"] = identifiers.encrypt(number)
        fields["identifier_hash"] = identifiers.lookup_hash(changes.identifier_country, number)
    person_pk = access.case.person_id
    updated = Person.objects.filter(pk=person_pk, version=expected_version).update(
        version=F("version") + 1, **fields)
    if updated == 0:
        raise StaleEdit(Person.objects.get(pk=person_pk))
    existing = {m.pk: m for m in NetworkMember.objects.filter(person_id=person_pk)}
    added = changed = removed = 0
    for entry in network:
        if entry.pk is not None:
            member = existing.get(entry.pk)
            if member is None:
                raise ValidationError(_("A relative in the form no longer belongs to this person."))
            if entry.delete:
                member.delete()
                removed += 1
            elif (member.name, member.relation, member.contact) != (entry.name, entry.relation, entry.contact):
                member.name, member.relation, member.contact = entry.name, entry.relation, entry.contact
                member.save(update_fields=["name", "relation", "contact"])
                changed += 1
        elif not entry.delete and entry.name.strip():
            NetworkMember.objects.create(person_id=person_pk, name=entry.name.strip(),
                                         relation=entry.relation.strip(), contact=entry.contact.strip())
            added += 1
    record_event(action="person.edited", actor=actor, object_type="person", object_id=person_pk,
                 person_id=person_pk, purpose="case management",
                 details={"case": access.case.pk, "fields": sorted(k for k in fields if k != "updated_at"),
                          "network": {"added": added, "changed": changed, "removed": removed}})
    return Person.objects.get(pk=person_pk)


# --- break the glass --------------------------------------------------------------------------

def data_protection_officers() -> list[User]:
    return list(User.objects.filter(
        is_active=True, memberships__is_active=True, memberships__role=Role.DATA_PROTECTION_OFFICER,
    ).exclude(email="").distinct())


def break_glass_target(*, case_pk: int, actor: User) -> Case | None:
    """The case someone asks to open in an emergency (its reference only is shown before the
    glass is broken), or None, with the request audited either way."""
    case = Case.objects.filter(pk=case_pk).only("pk", "reference", "person_id").first()
    record_event(action="case.break_glass_requested" if case else "case.refused", actor=actor, object_type="case",
                 object_id=case_pk, purpose="break the glass", details={"exists": case is not None})
    return case


@transaction.atomic
def break_glass(*, case_pk: int, actor: User, reason: str) -> BreakGlassAccess:
    """Open a case outside one's need-to-know in an emergency, for BREAK_GLASS_MINUTES.

    Audited as "case.break_glass" and every data protection officer is told by e-mail who opened
    which case and why (the case reference only, nothing about the person)."""
    if not may_break_glass(actor):
        raise PermissionDenied(_("Your role cannot open a case in an emergency."))
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("State the reason for opening the case (at least 10 characters)."))
    case = Case.objects.filter(pk=case_pk).first()
    if case is None:
        raise PermissionDenied
    if TeamMember.objects.filter(case=case, user=actor, is_active=True).exists():
        raise ValidationError(_("You are on this case's team and can open it as usual."))
    now = timezone.now()
    access = BreakGlassAccess.objects.create(user=actor, case=case, reason=reason,
                                             expires_at=now + timedelta(minutes=BREAK_GLASS_MINUTES))
    record_event(action="case.break_glass", actor=actor, object_type="case", object_id=case.pk,
                 person_id=case.person_id, purpose=reason,
                 details={"access": access.pk, "expires_at": access.expires_at, "minutes": BREAK_GLASS_MINUTES})
    subject = _("Infohus: a case was opened by breaking the glass (%(reference)s)") % {"reference": case.reference}
    body = _(
        "%(user)s (%(username)s) opened case %(reference)s by breaking the glass at %(opened)s.\n"
        "Access lasts until %(expires)s.\n\nStated reason:\n%(reason)s\n\n"
        "Review the opening in the audit trail of Infohus."
    ) % {
        "user": actor.get_full_name() or actor.get_username(), "username": actor.get_username(),
        "reference": case.reference, "opened": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "expires": timezone.localtime(access.expires_at).strftime("%Y-%m-%d %H:%M"), "reason": reason,
    }
    for dpo in data_protection_officers():
        # One message each, as before; a task, so that a mail server that is down neither undoes the
        # audited opening nor loses the mail (it is tried again, then shown to the administrators).
        transaction.on_commit(partial(send_email.enqueue, subject=subject, body=body, recipients=[dpo.email]),
                              robust=True)
    return access


@transaction.atomic
def review_break_glass(*, access_pk: int, reviewer: User) -> BreakGlassAccess:
    """The data protection officer has looked at an emergency opening; it leaves their list."""
    access = BreakGlassAccess.objects.select_for_update().get(pk=access_pk)
    if access.reviewed_at is None:
        access.reviewed_by_dpo = reviewer
        access.reviewed_at = timezone.now()
        access.save(update_fields=["reviewed_by_dpo", "reviewed_at"])
        record_event(action="case.break_glass_reviewed", actor=reviewer, object_type="break_glass",
                     object_id=access.pk, person_id=access.case.person_id, purpose="data protection review")
    return access
