"""Raw-SQL tampering with the audit table, as an attacker with database access would do it.

On PostgreSQL the append-only trigger refuses UPDATE and DELETE, so the helpers switch it off
for the tampering and on again afterwards; on SQLite there is no trigger to switch off."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

TRIGGER = "audit_event_append_only"


@contextmanager
def trigger_disabled() -> Iterator[Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


def tamper(sql: str, params: list[object] | None = None) -> None:
    with trigger_disabled() as cursor:
        cursor.execute(sql, params or [])


def swap_seq(a: int, b: int) -> None:
    """Swap two rows' places in the chain (through a free value, as seq is unique)."""
    with trigger_disabled() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [1_000_000, a])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [b, 1_000_000])


def swap_contents(a: int, b: int) -> None:
    """Swap everything but seq and id between two rows, hashes included (details are left
    alone: the rows these tests swap have the same, empty, details)."""
    columns = ["occurred_at", "actor_id", "actor_username", "action", "object_type", "object_id",
               "purpose", "prev_hash", "hash"]
    with trigger_disabled() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM audit_auditevent WHERE seq = %s", [a])
        row_a = cursor.fetchone()
        cursor.execute(f"SELECT {', '.join(columns)} FROM audit_auditevent WHERE seq = %s", [b])
        row_b = cursor.fetchone()
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.execute(f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s", [*row_b, a])
        cursor.execute(f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s", [*row_a, b])
