"""Recording assessments: start, save a draft, sign, correct, attach the licensed form.

Every function takes what the access selectors gave the caller (a Holder or an AssessmentAccess),
so a write can only reach an assessment the caller may open. Writing needs the right to write on
the holder (a place on the case team while the case is open, or triage of a concern that is not
yet decided) and the assessment's compartment among those the writer sees.

A signed assessment never changes; a correction is a new assessment that names the one it
corrects. Saves are optimistic: the caller passes the revision it saw, and a save that started
from an older revision changes nothing and raises StaleAssessment.
"""

import uuid
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.accounts.models import User
from infohus.assessments import engine
from infohus.assessments.models import Assessment, AssessmentAttachment, Field, FieldKind, InstrumentVersion
from infohus.assessments.selectors.access import AssessmentAccess, Holder
from infohus.audit.services import record_event
from infohus.cases import attachments

PURPOSE = "assessment"


class AnswersRefused(ValidationError):
    """Answers that do not fit their fields; nothing was saved. field_errors maps field keys
    (and "assessed_on") to one message each."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(list(field_errors.values()))
        self.field_errors = field_errors


class StaleAssessment(Exception):
    """Someone saved the assessment after this editor opened it; nothing was changed."""

    def __init__(self, current: Assessment) -> None:
        super().__init__("stale assessment")
        self.current = current


def _audit(holder: Holder, actor: User, action: str, assessment: Assessment, **details: Any) -> None:
    record_event(action=action, actor=actor, object_type="assessment", object_id=assessment.pk,
                 person_id=assessment.person_id or "", purpose=PURPOSE,
                 details={**holder.audit_details(), "compartment": assessment.compartment,
                          "instrument": assessment.version.instrument.slug, "version": assessment.version.number,
                          **details})


def _require_writer(holder: Holder, compartment: str) -> None:
    if not holder.may_write:
        if holder.case is not None:
            raise PermissionDenied(_("Only members of the case team can record assessments, and only while "
                                     "the case is open."))
        raise PermissionDenied(_("Assessments at triage can be recorded only until the concern is decided."))
    if not holder.sees(compartment):
        raise PermissionDenied(_("You cannot record an assessment in a compartment you do not see."))


def _require_draft(assessment: Assessment) -> None:
    if assessment.is_signed:
        raise ValidationError(_("A signed assessment cannot be changed. Record a correction instead."))


def fields_of(version: InstrumentVersion) -> list[Field]:
    return list(version.fields.select_related("section").order_by("section__order", "section__pk", "order", "pk"))


def _check_date(assessed_on: date | None) -> dict[str, str]:
    if assessed_on is None:
        return {"assessed_on": _("Give the date of the assessment.")}
    if assessed_on > timezone.localdate():
        return {"assessed_on": _("The date cannot be in the future.")}
    return {}


@transaction.atomic
def start_assessment(*, holder: Holder, actor: User, version: InstrumentVersion, compartment: str,
                     assessed_on: date | None = None, amends: Assessment | None = None) -> Assessment:
    """A new draft with a published version, in a compartment the writer sees. A correction
    starts from the answers of the signed assessment it corrects, in the same compartment."""
    if amends is not None:
        if not amends.is_signed:
            raise ValidationError(_("Only a signed assessment can be corrected; edit the draft instead."))
        if amends.version.instrument_id != version.instrument_id:
            raise ValidationError(_("A correction uses the same instrument as the assessment it corrects."))
        compartment = amends.compartment
    _require_writer(holder, compartment)
    if not version.is_published:
        raise ValidationError(_("This version of the instrument is not published, so it cannot be used yet."))
    if version.instrument.use != holder.use:
        raise ValidationError(_("This instrument is not used here."))
    assessed_on = assessed_on or timezone.localdate()
    errors = _check_date(assessed_on)
    if errors:
        raise AnswersRefused(errors)
    answers: dict[str, Any] = {}
    if amends is not None:
        kept = {f.key for f in fields_of(version) if f.kind != FieldKind.ATTACHMENT}
        answers = {key: value for key, value in amends.answers.items() if key in kept}
    assessment = Assessment.objects.create(
        version=version, case=holder.case, concern=holder.concern, person_id=holder.person_id,
        compartment=compartment, assessed_on=assessed_on, answers=answers, amends=amends, created_by=actor,
    )
    _audit(holder, actor, "assessment.started", assessment,
           **({"corrects": amends.pk} if amends is not None else {}))
    return assessment


def _write(access: AssessmentAccess, actor: User, *, expected_revision: int, raw_answers: dict[str, Any],
           assessed_on: date | None, sign: bool) -> Assessment:
    assessment = access.assessment
    _require_writer(access.holder, assessment.compartment)
    _require_draft(assessment)
    fields = fields_of(assessment.version)
    answers, errors = engine.clean_answers(fields, raw_answers)
    errors.update(_check_date(assessed_on))
    if errors:
        raise AnswersRefused(errors)
    assert assessed_on is not None
    changes: dict[str, Any] = {"answers": answers, "assessed_on": assessed_on, "updated_at": timezone.now()}
    if sign:
        attached = set(assessment.attachments.values_list("field_key", flat=True))
        errors = engine.signing_errors(fields, answers, assessed_on=assessed_on, attached_keys=attached)
        if errors:
            raise AnswersRefused(errors)
        changes |= {"status": Assessment.Status.SIGNED, "signed_by": actor, "signed_at": timezone.now()}
    updated = Assessment.objects.filter(pk=assessment.pk, revision=expected_revision,
                                        status=Assessment.Status.DRAFT).update(revision=F("revision") + 1, **changes)
    if not updated:
        raise StaleAssessment(Assessment.objects.get(pk=assessment.pk))
    assessment.refresh_from_db()
    _audit(access.holder, actor, "assessment.signed" if sign else "assessment.saved", assessment,
           fields=sorted(answers))
    return assessment


@transaction.atomic
def save_draft(*, access: AssessmentAccess, actor: User, expected_revision: int, raw_answers: dict[str, Any],
               assessed_on: date | None) -> Assessment:
    """Keep the answers so far. Each answer must fit its field; required answers may wait."""
    return _write(access, actor, expected_revision=expected_revision, raw_answers=raw_answers,
                  assessed_on=assessed_on, sign=False)


@transaction.atomic
def sign(*, access: AssessmentAccess, actor: User, expected_revision: int, raw_answers: dict[str, Any],
         assessed_on: date | None) -> Assessment:
    """Save the answers and sign: every required field answered and any certification valid on
    the day of the assessment. After this the assessment never changes."""
    return _write(access, actor, expected_revision=expected_revision, raw_answers=raw_answers,
                  assessed_on=assessed_on, sign=True)


@transaction.atomic
def discard_draft(*, access: AssessmentAccess, actor: User) -> None:
    """Throw away a draft nobody has signed (its files too)."""
    assessment = access.assessment
    _require_writer(access.holder, assessment.compartment)
    _require_draft(assessment)
    _audit(access.holder, actor, "assessment.discarded", assessment)
    for attachment in assessment.attachments.all():
        attachment.file.delete(save=False)
    assessment.attachments.all().delete()
    assessment.delete()


@transaction.atomic
def attach_file(*, access: AssessmentAccess, actor: User, field_key: str,
                upload: "UploadedFile[bytes]") -> AssessmentAttachment:
    """A file for an attachment field of a draft, such as the licensed form. Stored under a random
    name and served only by the view that checks the reader's access."""
    assessment = access.assessment
    _require_writer(access.holder, assessment.compartment)
    _require_draft(assessment)
    field = assessment.version.fields.filter(key=field_key, kind=FieldKind.ATTACHMENT).first()
    if field is None:
        raise ValidationError(_("This instrument takes no file there."))
    try:
        content_type = attachments.check_attachment(upload)
    except attachments.AttachmentRefused as refusal:
        raise AnswersRefused({field_key: str(refusal)}) from None
    original = PurePath(upload.name or "file").name[:200]
    upload.name = f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()}"
    attachment = AssessmentAttachment.objects.create(
        assessment=assessment, field_key=field_key, file=upload, original_name=original,
        content_type=content_type, size=upload.size or 0, uploaded_by=actor,
    )
    _audit(access.holder, actor, "assessment.file_attached", assessment, field=field_key, size=attachment.size)
    return attachment


@transaction.atomic
def remove_file(*, access: AssessmentAccess, actor: User, attachment_pk: int) -> None:
    assessment = access.assessment
    _require_writer(access.holder, assessment.compartment)
    _require_draft(assessment)
    attachment = assessment.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise ValidationError(_("That file is not attached to this assessment."))
    _audit(access.holder, actor, "assessment.file_removed", assessment, field=attachment.field_key)
    attachment.file.delete(save=False)
    attachment.delete()


def file_for_reader(*, access: AssessmentAccess, actor: User, attachment_pk: int) -> AssessmentAttachment | None:
    """A file of an assessment the reader may open (the read is audited), or None."""
    attachment = access.assessment.attachments.filter(pk=attachment_pk).first()
    if attachment is not None:
        _audit(access.holder, actor, "assessment.file_read", access.assessment, field=attachment.field_key)
    return attachment
