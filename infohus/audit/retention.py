"""Expiring the oldest audit events once their retention period has run out.

Only a prefix of the chain goes: every event up to (not including) the first one at or after the
cutoff, and never the newest event, so that the next event still follows a stored row. Each
batch is one transaction that deletes a run of the oldest events and writes a ChainAnchor with
the first seq that remains and the hash it follows; verification starts at the newest anchor.
On PostgreSQL the append-only trigger lets the delete through only in a transaction that set
infohus.audit_retention (migration 0004); the application's own guard on AuditEvent is bypassed
with a raw DELETE, here and nowhere else.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max, Min

from infohus.audit.models import AuditEvent, ChainAnchor

BATCH_SIZE = 5000


@dataclass(frozen=True)
class Expiry:
    last_seq: int  # the newest event that may go; 0 when none may
    count: int
    oldest: datetime | None


def expiring(*, before: datetime) -> Expiry:
    """Which events would go: the prefix of the chain older than `before`, the newest event kept."""
    events = AuditEvent.objects.all()
    bounds = events.aggregate(first=Min("seq"), last=Max("seq"))
    if bounds["first"] is None:
        return Expiry(0, 0, None)
    first_kept = events.filter(occurred_at__gte=before).aggregate(seq=Min("seq"))["seq"]
    last_seq = min(bounds["last"] - 1, (first_kept - 1) if first_kept is not None else bounds["last"])
    if last_seq < bounds["first"]:
        return Expiry(0, 0, None)
    oldest = events.filter(seq=bounds["first"]).values_list("occurred_at", flat=True).first()
    return Expiry(last_seq, events.filter(seq__lte=last_seq).count(), oldest)


def _delete_batch(*, up_to_seq: int, before: datetime) -> int:
    with transaction.atomic():
        prev_hash = AuditEvent.objects.filter(seq=up_to_seq).values_list("hash", flat=True).get()
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL infohus.audit_retention = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [up_to_seq])  # noqa: S608 (table from the model)
            erased = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL infohus.audit_retention = 'off'")
        ChainAnchor.objects.create(first_seq=up_to_seq + 1, prev_hash=prev_hash, events_erased=erased,
                                   erased_before=before)
    return erased


def expire_events(*, before: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Delete the events older than `before` (see `expiring`), oldest first, `batch_size` per
    transaction; the number deleted. A failure leaves the earlier batches done and anchored."""
    expiry = expiring(before=before)
    erased = 0
    while expiry.last_seq:
        first = AuditEvent.objects.aggregate(seq=Min("seq"))["seq"]
        if first is None or first > expiry.last_seq:
            break
        erased += _delete_batch(up_to_seq=min(first + batch_size - 1, expiry.last_seq), before=before)
    return erased
