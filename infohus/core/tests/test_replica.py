"""The read replica for statistics (infohus/core/replica.py): reads marked as statistics go to the
"replica" database when one is configured and answers; everything else, and every write, goes to
the primary.

The replica here is a second connection to the test database, added for the test (settings.py
adds it only when DATABASE_REPLICA_URL is set). A second connection does not see a test's open
transaction, and Django's test cases refuse connections to aliases they were not told of before
the alias existed; so these tests use the test database directly (committed data, removed by the
fixture afterwards), and count the queries each connection ran to tell where a read went."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infohus.core.replica import REPLICA, StatisticsReplicaRouter, statistics_database, statistics_reads

ROUTER = "infohus.core.replica.StatisticsReplicaRouter"
MARK = "replica-test-"  # the start of the key of every row these tests make


def _add_alias(settings_dict: dict[str, Any]) -> BaseDatabaseWrapper:
    connections.settings[REPLICA] = settings_dict
    return connections[REPLICA]


def _remove_alias() -> None:
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any, settings: Any) -> Iterator[None]:
    """The test database without a test case's transaction, and the router on; the rows the test
    made are deleted afterwards."""
    settings.DATABASE_ROUTERS = [ROUTER]
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            _remove_alias()
            Session.objects.filter(session_key__startswith=MARK).delete()


@pytest.fixture
def replica(committed: None) -> BaseDatabaseWrapper:
    """A "replica" alias that is a second connection to the (test) primary."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return _add_alias({**primary, "TEST": {**primary.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}})


@pytest.fixture
def replica_that_does_not_answer(committed: None, tmp_path: Path) -> None:
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        # Nothing listens on the discard port of loopback: the connection is refused at once.
        _add_alias({**primary, "HOST": "127.0.0.1", "PORT": "9", "OPTIONS": {"connect_timeout": 2}})
    else:
        _add_alias({**primary, "NAME": str(tmp_path / "no-such-folder" / "replica.sqlite3")})


@contextmanager
def queries(replica: BaseDatabaseWrapper) -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    """The queries run on the primary and on the replica inside the block."""
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary, CaptureQueriesContext(replica) as copy:
        yield primary, copy


def _row(name: str) -> Session:
    # Any table serves; sessions have no other table pointing at them, so the clean-up is one DELETE.
    return Session.objects.create(session_key=MARK + name, session_data="", expire_date=timezone.now())


def test_statistics_read_from_the_replica(replica: BaseDatabaseWrapper) -> None:
    _row("first")
    with queries(replica) as (on_primary, on_replica):
        with statistics_reads() as alias:
            counted = Session.objects.filter(session_key__startswith=MARK).count()

    assert alias == REPLICA
    assert counted == 1
    assert len(on_replica) == 1
    assert len(on_primary) == 0


def test_reads_outside_statistics_go_to_the_primary(replica: BaseDatabaseWrapper) -> None:
    _row("first")
    with statistics_reads():
        pass
    with queries(replica) as (on_primary, on_replica):
        counted = Session.objects.filter(session_key__startswith=MARK).count()

    assert counted == 1
    assert len(on_primary) == 1
    assert len(on_replica) == 0


def test_writes_inside_statistics_go_to_the_primary(replica: BaseDatabaseWrapper) -> None:
    _row("first")
    with queries(replica) as (on_primary, on_replica):
        with statistics_reads():
            read = Session.objects.get(session_key=MARK + "first")
            read.session_data = "changed"
            read.save(update_fields=["session_data"])
            _row("second")

    assert read._state.db == DEFAULT_DB_ALIAS  # saved where it was written
    assert [query["sql"].split()[0] for query in on_replica] == ["SELECT"]
    assert [query["sql"].split()[0] for query in on_primary] == ["UPDATE", "INSERT"]
    assert Session.objects.get(session_key=MARK + "first").session_data == "changed"


def test_reads_inside_a_transaction_on_the_primary_stay_there(replica: BaseDatabaseWrapper) -> None:
    with queries(replica) as (on_primary, on_replica):
        with statistics_reads(), transaction.atomic():
            _row("first")
            counted = Session.objects.filter(session_key__startswith=MARK).count()
            raw_alias = statistics_database()

    assert counted == 1  # its own write, which the replica could not have seen yet
    assert raw_alias == DEFAULT_DB_ALIAS
    assert len(on_replica) == 0
    assert any(query["sql"].startswith("SELECT COUNT") for query in on_primary)


def test_raw_statistics_queries_are_told_the_replica(replica: BaseDatabaseWrapper) -> None:
    assert statistics_database() == DEFAULT_DB_ALIAS
    with statistics_reads():
        assert statistics_database() == REPLICA
    assert statistics_database() == DEFAULT_DB_ALIAS


def test_nested_statistics_reads_keep_the_outer_choice_and_end_with_the_outer(replica: BaseDatabaseWrapper) -> None:
    with statistics_reads() as outer:
        with statistics_reads() as inner:
            assert inner == outer == REPLICA
        assert router.db_for_read(Session) == REPLICA
    assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


def test_an_error_inside_still_ends_the_statistics_reads(replica: BaseDatabaseWrapper) -> None:
    with pytest.raises(ZeroDivisionError), statistics_reads():
        assert router.db_for_read(Session) == REPLICA
        _ = 1 / 0

    assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


@pytest.mark.usefixtures("replica_that_does_not_answer")
def test_a_replica_that_does_not_answer_leaves_the_statistics_on_the_primary(caplog: pytest.LogCaptureFixture) -> None:
    _row("first")
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        with caplog.at_level("WARNING", logger="infohus.core.replica"), statistics_reads() as alias:
            counted = Session.objects.filter(session_key__startswith=MARK).count()

    assert alias == DEFAULT_DB_ALIAS
    assert counted == 1
    assert len(on_primary) == 1
    assert "The read replica does not answer" in caplog.text


@pytest.mark.usefixtures("replica_that_does_not_answer")
def test_statistics_begun_inside_a_transaction_do_not_ask_the_replica(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="infohus.core.replica"), transaction.atomic(), statistics_reads() as alias:
        Session.objects.count()

    assert alias == DEFAULT_DB_ALIAS
    assert connections[REPLICA].connection is None  # never connected
    assert caplog.text == ""


def test_without_a_replica_statistics_read_from_the_primary(db: None, settings: Any) -> None:
    settings.DATABASE_ROUTERS = [ROUTER]
    assert REPLICA not in connections.settings

    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary, statistics_reads() as alias:
        Session.objects.count()
        raw_alias = statistics_database()

    assert alias == DEFAULT_DB_ALIAS
    assert raw_alias == DEFAULT_DB_ALIAS
    assert len(on_primary) == 1


def test_the_replica_is_never_migrated() -> None:
    chosen = StatisticsReplicaRouter()

    assert chosen.allow_migrate(REPLICA, "cases", model_name="case") is False
    assert chosen.allow_migrate(DEFAULT_DB_ALIAS, "cases", model_name="case") is None


def test_objects_of_the_primary_and_the_replica_may_be_related() -> None:
    on_primary, on_replica, elsewhere = Session(), Session(), Session()
    on_primary._state.db, on_replica._state.db, elsewhere._state.db = DEFAULT_DB_ALIAS, REPLICA, "archive"
    chosen = StatisticsReplicaRouter()

    assert chosen.allow_relation(on_primary, on_replica) is True
    assert chosen.allow_relation(on_primary, elsewhere) is None
