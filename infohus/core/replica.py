"""An optional read replica for the statistics.

Counting over a national database takes seconds of a database's time; a streaming replica of
the primary can take that load. When `DATABASE_REPLICA_URL` is set, settings.py adds a "replica"
database and this router. Reads inside `statistics_reads()` then go to the replica; everything
else, and every write wherever it is made, goes to the primary ("default"):

    with statistics_reads():
        tables = Dashboard(chosen).blocks()

Without a replica the context manager changes nothing, so callers use it unconditionally.

What the replica is allowed to answer, and why:

- Only reads the caller marked as statistics. A page that shows a record must see the write it
  just made; a replica lags behind the primary by a moment (docs/deployment.md).
- Never a read inside a transaction on the primary: the audit trail reads the end of its chain
  there, a `select_for_update` must run where the write will, and a caller in a transaction
  expects to read its own writes.
- Nothing when the replica does not answer: `statistics_reads()` tries the connection first and,
  if it fails, logs a warning and reads from the primary, so a replica that is down slows the
  statistics but does not take them away.

Raw SQL does not pass through a router: a statistics selector that opens a cursor asks
`statistics_database()` which connection to use.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

logger = logging.getLogger(__name__)

# The alias that reads marked as statistics go to; None outside statistics_reads(). A context
# variable rather than a global, so that threads and async tasks each have their own.
_statistics_alias: ContextVar[str | None] = ContextVar("infohus_statistics_alias", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_answers() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        logger.warning("The read replica does not answer (%s); statistics are read from the primary.", error)
        return False
    return True


@contextmanager
def statistics_reads() -> Iterator[str]:
    """Reads inside go to the replica when one is configured and answers; yields the alias used.
    Nested uses keep the outer choice."""
    current = _statistics_alias.get()
    if current is not None:
        yield current
        return
    # Inside a transaction on the primary every read stays there (statistics_database()), so the
    # replica is not even asked whether it answers.
    usable = replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block and _replica_answers()
    alias = REPLICA if usable else DEFAULT_DB_ALIAS
    token = _statistics_alias.set(alias)
    try:
        yield alias
    finally:
        _statistics_alias.reset(token)


def statistics_database() -> str:
    """The alias for a raw statistics query: the replica inside statistics_reads() (unless a
    transaction on the primary is open), else the primary."""
    alias = _statistics_alias.get()
    if alias is None or alias == DEFAULT_DB_ALIAS or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


class StatisticsReplicaRouter:
    """DATABASE_ROUTERS entry: statistics reads to the replica, all else to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = statistics_database()
        # None lets Django decide as it would without a router (an instance's own database).
        return alias if alias == REPLICA else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Explicit: without it, an object read from the replica would be saved back to the replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary, so objects from either may be related.
        same_data = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # A replica is a copy of the primary made by PostgreSQL itself: migrations run once, there.
        if db == REPLICA:
            return False
        return None
