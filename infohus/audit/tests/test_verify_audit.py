"""`manage.py verify_audit` walks the chain and names the first broken row.

Each test writes five events, tampers with them through raw SQL the way someone with access
to the database would (on PostgreSQL with the append-only trigger switched off), and checks
that the command names the right row."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from infohus.audit.chain import row_hash
from infohus.audit.models import AuditEvent
from infohus.audit.selectors import verify_chain
from infohus.audit.services import record_event
from infohus.audit.tests.tampering import swap_contents, swap_seq, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events() -> list[AuditEvent]:
    return [record_event(action="test.event", object_type="thing", object_id=n) for n in range(1, 6)]


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _broken_at() -> str:
    with pytest.raises(CommandError) as caught:
        _verify()
    return str(caught.value)


def test_an_intact_chain_passes(five_events: list[AuditEvent]) -> None:
    assert "Audit trail intact: 5 rows verified" in _verify()


def test_an_empty_trail_passes() -> None:
    assert "Audit trail intact: 0 rows verified" in _verify()


def test_an_edited_row_is_named(five_events: list[AuditEvent]) -> None:
    tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = 3", ["nothing to see here"])

    message = _broken_at()

    assert f"row seq 3 (id {five_events[2].pk})" in message
    assert "edited" in message


def test_an_edited_row_whose_hash_was_recomputed_breaks_the_next_link(five_events: list[AuditEvent]) -> None:
    # A careful forger recomputes the edited row's own hash; the row after it no longer follows.
    third = AuditEvent.objects.values().get(seq=3)
    forged = row_hash(third["prev_hash"], {**third, "actor_username": "someone else"})
    tamper("UPDATE audit_auditevent SET actor_username = %s, hash = %s WHERE seq = 3", ["someone else", forged])

    message = _broken_at()

    assert f"row seq 4 (id {five_events[3].pk})" in message
    assert "does not follow" in message


def test_a_deleted_row_in_the_middle_is_named_by_the_row_after_it(five_events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")

    message = _broken_at()

    assert f"row seq 4 (id {five_events[3].pk})" in message
    assert "expected seq 3" in message


def test_a_deleted_first_row_is_caught(five_events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq = 1")

    assert f"row seq 2 (id {five_events[1].pk})" in _broken_at()


def test_a_deleted_row_renumbered_to_close_the_gap_is_caught(five_events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET seq = seq - 1 WHERE seq > 3")

    message = _broken_at()

    # The former fourth row now sits at seq 3 and does not follow the second.
    assert f"row seq 3 (id {five_events[3].pk})" in message
    assert "does not follow" in message


def test_two_rows_swapped_in_order_are_caught(five_events: list[AuditEvent]) -> None:
    swap_seq(2, 4)

    message = _broken_at()

    # The former fourth row now comes second and does not follow the first.
    assert f"row seq 2 (id {five_events[3].pk})" in message
    assert "does not follow" in message


def test_two_rows_with_swapped_contents_are_caught(five_events: list[AuditEvent]) -> None:
    swap_contents(2, 3)

    message = _broken_at()

    assert f"row seq 2 (id {five_events[1].pk})" in message


def test_the_first_break_is_named_when_there_are_several(five_events: list[AuditEvent]) -> None:
    tamper("UPDATE audit_auditevent SET purpose = 'x' WHERE seq IN (2, 4)")

    assert f"row seq 2 (id {five_events[1].pk})" in _broken_at()


def test_the_report_counts_the_rows_read_up_to_the_break(five_events: list[AuditEvent]) -> None:
    tamper("UPDATE audit_auditevent SET purpose = 'x' WHERE seq = 4")

    report = verify_chain()

    assert not report.intact
    assert report.rows_checked == 4
    assert "4 rows read" in _broken_at()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_trigger_is_back_on_after_tampering(five_events: list[AuditEvent]) -> None:
    tamper("UPDATE audit_auditevent SET purpose = 'x' WHERE seq = 5")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq = 5")
