"""Reading the audit trail."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from infohus.audit.chain import HASHED_FIELDS, ChainReport, walk
from infohus.audit.models import AuditEvent


def audit_events(*, action: str = "", actor: str = "", person_id: str = "", text: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-seq")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_username__iexact=actor)
    if person_id:
        events = events.filter(person_id=person_id)
    if text:
        events = events.filter(Q(purpose__icontains=text) | Q(object_type__icontains=text) | Q(object_id=text))
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def _chain_rows() -> Iterator[dict[str, Any]]:
    fields = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    yield from AuditEvent.objects.order_by("seq").values(*fields).iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the whole chain from the first row and report the first break, if any."""
    return walk(_chain_rows())
