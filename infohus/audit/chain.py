"""The hash chain of the audit trail: how a row's hash is made and how the chain is checked."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# The fields that a row's hash covers, in a fixed order.
HASHED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_username", "organisation_id", "organisation_name",
    "action", "object_type", "object_id", "person_id", "purpose", "request_id", "ip_address", "details",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def row_hash(prev_hash: str, content: dict[str, Any]) -> str:
    payload = json.dumps(
        {name: _canonical(content[name]) for name in HASHED_FIELDS},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    row_id: int
    reason: str

    def __str__(self) -> str:
        return f"row seq {self.seq} (id {self.row_id}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def walk(rows: Iterable[dict[str, Any]], *, first_seq: int = 1, prev_hash: str = GENESIS) -> ChainReport:
    """Check rows given in ascending seq order; stop at the first break. The chain starts at
    seq 1 after the genesis hash, or, once retention erased its oldest rows, at the anchor's
    first seq after the hash of the last row erased."""
    expected_prev = prev_hash
    expected_seq = first_seq
    count = 0
    for row in rows:
        count += 1
        if row["seq"] != expected_seq:
            return ChainReport(count, ChainBreak(
                row["seq"], row["id"], f"expected seq {expected_seq}: a row before it was deleted"))
        if row["prev_hash"] != expected_prev:
            return ChainReport(count, ChainBreak(
                row["seq"], row["id"], "does not follow the row before it (a row was deleted, moved or edited)"))
        if row_hash(row["prev_hash"], row) != row["hash"]:
            return ChainReport(count, ChainBreak(row["seq"], row["id"], "its content does not match its hash (edited)"))
        expected_prev = row["hash"]
        expected_seq += 1
    return ChainReport(count, None)
