"""The audit events about one person, for a subject access request (GDPR art. 15): when their
data was read or written, from which organisation, what was done and for what purpose.

Reached only through infohus.privacy, which checks access and audits the request itself. The
professional who acted is given by organisation, not by name: the Court of Justice (C-579/21,
Pankki S) held that the identity of employees acting under the controller's authority need not
be disclosed. An event's details are left out: they may name other people's records (a search
lists every record it found).
"""

from typing import Any

from infohus.accounts.roles import Compartment
from infohus.audit.models import AuditEvent

GENERAL = Compartment.GENERAL.value


def events_about(person_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every event whose person is this one, oldest first, in one query."""
    rows = (AuditEvent.objects.filter(person_id=str(person_id)).order_by("seq")
            .values("seq", "occurred_at", "action", "organisation_name", "object_type", "object_id", "purpose"))
    return {"audit_events": [{
        "id": row["seq"], "compartment": GENERAL, "occurred_at": row["occurred_at"], "action": row["action"],
        "organisation": row["organisation_name"], "object_type": row["object_type"], "object_id": row["object_id"],
        "purpose": row["purpose"],
    } for row in rows]}
