"""Concerns: how a worry enters the desk and what the institution's resource person does with it.

A concern from a prison or probation institution that has a resource person goes to that person
first (local assessment); every other concern goes straight to the Info house of the reporter's
organisation. Every change writes its audit event in the same transaction.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability, Role
from infohus.audit.services import record_event
from infohus.cases.attachments import MAX_ATTACHMENT_BYTES, AttachmentRefused, Upload, check_attachment, extension_of
from infohus.cases.models import Concern, ConcernAttachment, ExtremismKind, LocalAssessment
from infohus.cases.references import next_reference

__all__ = ["MAX_ATTACHMENT_BYTES", "AttachmentRefused", "check_attachment"]  # re-exported for views and tests

S = Concern.Status
D = LocalAssessment.Decision
MAX_ATTACHMENTS = 5

# What a reporter is told when a concern ends in their institution. Stored untranslated and
# translated when shown, so that each reader gets their own language.
OUTCOME_HANDLED_LOCALLY = gettext_noop(
    "Your concern was assessed in your institution, which is following it up itself.")
OUTCOME_NO_CONCERN = gettext_noop(
    "Your concern was assessed in your institution. No further action was needed. Thank you for reporting it.")
GENERAL_OUTCOMES = (OUTCOME_HANDLED_LOCALLY, OUTCOME_NO_CONCERN)


class Action:
    """Names of the audit actions that concerns record."""

    SUBMITTED = "concern.submitted"
    TELEPHONE_RECORDED = "concern.telephone_recorded"
    ATTACHMENT_ADDED = "concern.attachment_added"
    ATTACHMENT_DOWNLOADED = "concern.attachment_downloaded"
    LOCAL_ASSESSMENT_RECORDED = "concern.local_assessment_recorded"
    VIEWED = "concern.viewed"
    REFUSED = "concern.refused"


class ConcernError(Exception):
    """A concern that cannot be received or changed as asked, with a message for people."""


class StaleConcern(ConcernError):
    """The concern changed (someone else assessed it) since the page was opened."""


@dataclass(frozen=True)
class ConcernFacts:
    """What the person who noticed something tells us, in the words of the form."""

    observed: str
    observed_on: date
    observed_where: str
    worries: str
    others_who_know: str = ""
    immediate_danger: bool = False
    extremism: str = ExtremismKind.NOT_KNOWN
    person_described: str = ""


@dataclass(frozen=True)
class Caller:
    """Someone outside the platform who rang the Info house; may stay anonymous."""

    name: str = ""
    relation: str = ""
    contact: str = ""
    anonymous: bool = False


# --- attachments ------------------------------------------------------------------------------

def check_attachments(uploads: Sequence[Upload], *, already: int = 0) -> list[str]:
    """Check a batch of files for a concern that already has `already` attachments; every
    problem is reported, not just the first."""
    problems: list[str] = []
    if already + len(uploads) > MAX_ATTACHMENTS:
        problems.append(_("A concern can have at most %(limit)s attachments; you chose %(count)s.") % {
            "limit": MAX_ATTACHMENTS, "count": already + len(uploads)})
    for upload in uploads:
        try:
            check_attachment(upload)
        except AttachmentRefused as refusal:
            problems.append(str(refusal))
    return problems


def _person_id(concern: Concern) -> object:
    return concern.person_id or ""


@transaction.atomic
def add_attachments(*, concern: Concern, uploads: Sequence[Upload], uploaded_by: User | None
                    ) -> list[ConcernAttachment]:
    """Store files with a concern, each checked by name and content, under a random name."""
    already = ConcernAttachment.objects.filter(concern=concern).count() if uploads else 0
    problems = check_attachments(uploads, already=already)
    if problems:
        raise AttachmentRefused(" ".join(problems))
    stored = []
    for upload in uploads:
        content_type = check_attachment(upload)
        original = PurePath(upload.name or "attachment").name[-200:]
        attachment = ConcernAttachment(concern=concern, original_name=original, content_type=content_type,
                                       size=upload.size or 0, uploaded_by=uploaded_by)
        # A random stored name: the reporter's file name may itself say something about a person.
        attachment.file.save(f"{uuid.uuid4().hex}.{extension_of(original)}", upload, save=False)
        attachment.save()
        record_event(action=Action.ATTACHMENT_ADDED, actor=uploaded_by, object_type="concern",
                     object_id=concern.pk, person_id=_person_id(concern), purpose="concern intake",
                     details={"attachment": attachment.pk, "content_type": content_type, "size": attachment.size})
        stored.append(attachment)
    return stored


# --- receiving a concern -----------------------------------------------------------------------

def _roles_with(capability: Capability) -> list[str]:
    return [role.value for role, caps in CAPABILITIES.items() if capability in caps]


def has_resource_person(organisation: Organisation) -> bool:
    return Membership.objects.filter(
        organisation=organisation, role=Role.RESOURCE_PERSON, is_active=True, user__is_active=True,
    ).exists()


def info_house_for(organisation: Organisation) -> Organisation:
    """The Info house that receives this organisation's concerns (an Info house receives its own)."""
    if organisation.info_house_id is not None:
        return organisation.info_house  # type: ignore[return-value]
    if organisation.kind == Organisation.Kind.POLICE_DISTRICT:
        return organisation
    raise ConcernError(_(
        "%(organisation)s has no Info house to receive its concerns, so the concern cannot be sent. Ask your "
        "administrator to set the organisation's Info house. If someone is in immediate danger, call 112."
    ) % {"organisation": organisation})


def _create(**fields: Any) -> Concern:
    """Create with the next reference; a clash with a concurrent intake takes the next one."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Concern.objects.create(reference=next_reference(Concern, "B"), **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _fact_fields(facts: ConcernFacts) -> dict[str, Any]:
    if facts.observed_on > timezone.localdate():
        raise ConcernError(_("The date of what you saw or heard cannot be in the future."))
    return {
        "observed": facts.observed, "observed_on": facts.observed_on, "observed_where": facts.observed_where,
        "others_who_know": facts.others_who_know, "worries": facts.worries,
        "immediate_danger": facts.immediate_danger, "urgent": facts.immediate_danger,
        "extremism": facts.extremism, "person_described": facts.person_described,
    }


@transaction.atomic
def submit_concern(*, reporter: User, organisation: Organisation, facts: ConcernFacts,
                   attachments: Sequence[Upload] = ()) -> Concern:
    """A concern from a signed-in reporter, acting for `organisation`.

    It goes to the institution's resource person when the organisation is a prison or probation
    institution that has one, and otherwise straight to the organisation's Info house. Immediate
    danger marks it urgent.
    """
    if not Membership.objects.filter(user=reporter, organisation=organisation, is_active=True,
                                     role__in=_roles_with(Capability.SUBMIT_CONCERN)).exists():
        raise PermissionDenied
    info_house = info_house_for(organisation)
    local = organisation.kind == Organisation.Kind.PRISON_PROBATION and has_resource_person(organisation)
    concern = _create(
        status=S.LOCAL_ASSESSMENT if local else S.AWAITING_TRIAGE, channel=Concern.Channel.FORM,
        reported_by=reporter, reporter_organisation=organisation,
        institution=organisation if local else None, info_house=info_house, **_fact_fields(facts),
    )
    record_event(action=Action.SUBMITTED, actor=reporter, organisation=organisation, object_type="concern",
                 object_id=concern.pk, person_id=_person_id(concern), purpose="concern intake",
                 details={"reference": concern.reference, "status": concern.status, "urgent": concern.urgent,
                          "attachments": len(attachments)})
    add_attachments(concern=concern, uploads=attachments, uploaded_by=reporter)
    return concern


@transaction.atomic
def record_telephone_concern(*, recorded_by: User, info_house: Organisation, facts: ConcernFacts, caller: Caller,
                             attachments: Sequence[Upload] = ()) -> Concern:
    """A concern that the Info house received by telephone, possibly from an anonymous relative.
    It waits for triage at that Info house straight away."""
    if not Membership.objects.filter(user=recorded_by, organisation=info_house, is_active=True,
                                     role__in=_roles_with(Capability.TRIAGE)).exists():
        raise PermissionDenied
    anonymous = caller.anonymous
    concern = _create(
        status=S.AWAITING_TRIAGE, channel=Concern.Channel.TELEPHONE, info_house=info_house, recorded_by=recorded_by,
        caller_name="" if anonymous else caller.name, caller_relation=caller.relation,
        caller_contact="" if anonymous else caller.contact, caller_anonymous=anonymous,
        **_fact_fields(facts),
    )
    record_event(action=Action.TELEPHONE_RECORDED, actor=recorded_by, organisation=info_house,
                 object_type="concern", object_id=concern.pk, person_id=_person_id(concern),
                 purpose="concern intake",
                 details={"reference": concern.reference, "urgent": concern.urgent, "anonymous": anonymous,
                          "attachments": len(attachments)})
    add_attachments(concern=concern, uploads=attachments, uploaded_by=recorded_by)
    return concern


# --- local assessment --------------------------------------------------------------------------

_AFTER_DECISION = {
    D.HANDLE_LOCALLY: (S.HANDLED_LOCALLY, OUTCOME_HANDLED_LOCALLY),
    D.NO_CONCERN: (S.NO_CONCERN, OUTCOME_NO_CONCERN),
    D.FORWARD: (S.AWAITING_TRIAGE, ""),
}


@transaction.atomic
def record_local_assessment(*, concern: Concern, assessed_by: User, participants: str, conclusion: str,
                            decision: str, expected_version: int) -> LocalAssessment:
    """The institution's cross-professional assessment and its decision: handle the concern
    locally, close it as no concern (the reporter is told in general terms), or forward it to
    the Info house. Refused if the concern changed since `expected_version` was read."""
    if concern.institution_id is None or not Membership.objects.filter(
            user=assessed_by, organisation_id=concern.institution_id, is_active=True,
            role__in=_roles_with(Capability.LOCAL_ASSESSMENT)).exists():
        raise PermissionDenied
    status, outcome = _AFTER_DECISION[D(decision)]
    changed = Concern.objects.filter(pk=concern.pk, version=expected_version, status=S.LOCAL_ASSESSMENT).update(
        status=status, outcome_for_reporter=outcome, version=F("version") + 1)
    if not changed:
        raise StaleConcern(_(
            "Someone else changed this concern while you were writing (it may already have been assessed). "
            "Your text is kept below; reload the concern to see its state before you decide."))
    assessment = LocalAssessment.objects.create(concern=concern, participants=participants, conclusion=conclusion,
                                                decision=decision, assessed_by=assessed_by)
    concern.refresh_from_db(fields=["status", "outcome_for_reporter", "version"])
    record_event(action=Action.LOCAL_ASSESSMENT_RECORDED, actor=assessed_by, organisation=concern.institution,
                 object_type="concern", object_id=concern.pk, person_id=_person_id(concern),
                 purpose="local assessment", details={"decision": decision, "status": status})
    return assessment


def audit_refusal(*, user: Any, concern_pk: object, purpose: str, exists: bool) -> None:
    """An attempt to open a concern outside the user's need-to-know."""
    record_event(action=Action.REFUSED, actor=user, object_type="concern", object_id=concern_pk,
                 purpose=purpose, details={"exists": exists})


def audit_read(*, user: Any, concern: Concern, purpose: str, details: dict[str, Any] | None = None,
               action: str = Action.VIEWED) -> None:
    record_event(action=action, actor=user, object_type="concern", object_id=concern.pk,
                 person_id=_person_id(concern), purpose=purpose, details=details or {})

