"""Placing and lifting legal holds. A person under an active hold keeps everything past its
retention period (their concerns, cases, interventions, assessments and the person's record)
until the hold is lifted with a reason. Only a data protection officer does either; both are
audited with the person's id, never the reason's text."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infohus.audit.services import record_event
from infohus.privacy.models import LegalHold
from infohus.privacy.selectors.retention import person_for_hold
from infohus.privacy.services.rules import require_data_protection_officer

ACTION_PLACED = "privacy.legal_hold.placed"
ACTION_LIFTED = "privacy.legal_hold.lifted"


@transaction.atomic
def place_hold(*, actor: Any, person_id: int, reason: str, reference: str = "", organisation: Any = None) -> LegalHold:
    """Hold everything about a person who exists and has not been anonymised."""
    require_data_protection_officer(actor)
    errors: dict[str, str] = {}
    person = person_for_hold(person_id)
    if person is None:
        errors["person"] = _("There is no person with record number %(number)d, or their record has already been "
                             "anonymised.") % {"number": person_id}
    if not reason.strip():
        errors["reason"] = _("Say why the records must be kept (the complaint, the court case, the request).")
    if len(reference.strip()) > 100:
        errors["reference"] = _("Keep the reference to 100 characters.")
    if errors:
        raise ValidationError(errors)
    hold = LegalHold.objects.create(person_id=person_id, reason=reason.strip(), reference=reference.strip(),
                                    placed_by=actor)
    record_event(action=ACTION_PLACED, actor=actor, organisation=organisation, object_type="legal_hold",
                 object_id=hold.pk, person_id=person_id, details={"hold": hold.pk})
    return hold


@transaction.atomic
def lift_hold(*, actor: Any, hold: LegalHold, reason: str, organisation: Any = None) -> LegalHold:
    """Lift an active hold; the records then follow their retention rules again."""
    require_data_protection_officer(actor)
    if not reason.strip():
        raise ValidationError({"lift_reason": _("Say why the hold is lifted.")})
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=actor, lift_reason=reason.strip())
    if not lifted:
        raise ValidationError(_("This hold was lifted already."))
    hold.refresh_from_db()
    record_event(action=ACTION_LIFTED, actor=actor, organisation=organisation, object_type="legal_hold",
                 object_id=hold.pk, person_id=hold.person_id, details={"hold": hold.pk})
    return hold
