"""Writing to the audit trail: the one function every app calls."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from infohus.audit.chain import GENESIS, HASHED_FIELDS, row_hash
from infohus.audit.context import current_request
from infohus.audit.models import AuditEvent

# An arbitrary constant key for PostgreSQL's advisory lock that serialises chain writers.
_CHAIN_LOCK_KEY = 7_461_737


class Action:
    """Names of the audit actions that the foundation records."""

    SIGN_IN = "sign_in.success"
    SIGN_IN_FAILED = "sign_in.failed"
    SIGN_OUT = "sign_out"
    SECOND_FACTOR_PASSED = "mfa.passed"
    SECOND_FACTOR_FAILED = "mfa.failed"
    SECOND_FACTOR_ENROLLED = "mfa.enrolled"
    SECOND_FACTOR_REMOVED = "mfa.removed"
    RECOVERY_CODES_ISSUED = "mfa.recovery_codes_issued"
    RECOVERY_CODE_USED = "mfa.recovery_code_used"
    MEMBERSHIP_GRANTED = "membership.granted"
    MEMBERSHIP_CHANGED = "membership.changed"
    MEMBERSHIP_REVOKED = "membership.revoked"
    ORGANISATION_SWITCHED = "organisation.switched"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    AUDIT_VIEWED = "audit.viewed"
    AUDIT_VERIFIED = "audit.verified"


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    object_type: str = "",
    object_id: object = "",
    person_id: object = "",
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction, so an event is
    written exactly when the change it describes is."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    request = current_request.get()
    # Hash exactly what the database gives back: IPv6 in its short form, details as JSON.
    ip_address = request.ip_address
    if ip_address and ":" in ip_address:
        ip_address = clean_ipv6_address(ip_address)
    stored_details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        occurred_at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_name=str(organisation) if organisation is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=str(person_id),
        purpose=purpose,
        request_id=request.request_id,
        ip_address=ip_address,
        details=stored_details,
        prev_hash=last["hash"] if last else GENESIS,
    )
    event.hash = row_hash(event.prev_hash, {name: getattr(event, name) for name in HASHED_FIELDS})
    event.save(force_insert=True)
    return event

