"""Reading the audit trail."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from infohus.audit.chain import HASHED_FIELDS, ChainReport, walk
from infohus.audit.models import AuditEvent, ChainAnchor


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


def _chain_rows(first_seq: int) -> Iterator[dict[str, Any]]:
    fields = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    rows = AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq").values(*fields)
    yield from rows.iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the chain from its start and report the first break, if any. The start is the
    first row after the genesis, or, once retention erased the oldest rows, the newest anchor:
    a row missing before it without an anchor is a break at the first row that remains."""
    anchor = ChainAnchor.objects.order_by("-first_seq").values("first_seq", "prev_hash").first()
    if anchor is None:
        return walk(_chain_rows(1))
    return walk(_chain_rows(anchor["first_seq"]), first_seq=anchor["first_seq"], prev_hash=anchor["prev_hash"])
