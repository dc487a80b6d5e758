"""audit.retention: the oldest events go in batches, each batch anchored; verification starts at
the newest anchor, so the chain stays intact after erasure, and tampering afterwards is still found."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from infohus.audit.models import AuditEvent, ChainAnchor
from infohus.audit.retention import expire_events, expiring
from infohus.audit.selectors import verify_chain
from infohus.audit.services import record_event
from infohus.audit.tests.tampering import tamper

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=3000)


def events_at(*moments: datetime) -> list[AuditEvent]:
    made = []
    for moment in moments:
        with mock.patch("infohus.audit.services.timezone.now", return_value=moment):
            made.append(record_event(action="test.event"))
    return made


def test_events_before_the_cutoff_go_in_batches_and_the_chain_stays_intact() -> None:
    old = events_at(*(T0 + timedelta(days=n) for n in range(7)))
    new = events_at(T0 + timedelta(days=100), T0 + timedelta(days=101))
    cutoff = T0 + timedelta(days=50)

    assert expiring(before=cutoff).count == 7
    assert expire_events(before=cutoff, batch_size=3) == 7

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [e.seq for e in new]
    anchors = list(ChainAnchor.objects.order_by("first_seq").values_list("first_seq", "events_erased"))
    assert anchors == [(4, 3), (7, 3), (8, 1)]
    newest = ChainAnchor.objects.order_by("-first_seq").first()
    assert newest.prev_hash == old[-1].hash
    report = verify_chain()
    assert report.intact and report.rows_checked == 2
    call_command("verify_audit")


def test_the_newest_event_is_kept_even_when_all_are_old() -> None:
    events = events_at(T0, T0 + timedelta(days=1), T0 + timedelta(days=2))

    assert expire_events(before=T0 + timedelta(days=10)) == 2

    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [events[-1].seq]
    record_event(action="test.after")
    assert verify_chain().intact


def test_an_event_after_the_cutoff_stops_the_prefix_even_if_later_events_are_older() -> None:
    # Clocks can step back: only the unbroken run of old events from the start of the chain goes.
    events_at(T0, T0 + timedelta(days=100), T0 + timedelta(days=1), T0 + timedelta(days=200))

    assert expire_events(before=T0 + timedelta(days=50)) == 1
    assert verify_chain().intact


def test_tampering_after_erasure_is_still_found() -> None:
    events_at(*(T0 + timedelta(days=n) for n in range(4)))
    kept = events_at(T0 + timedelta(days=100), T0 + timedelta(days=101), T0 + timedelta(days=102))
    expire_events(before=T0 + timedelta(days=50))
    assert verify_chain().intact

    tamper("UPDATE audit_auditevent SET purpose = 'rewritten' WHERE seq = %s", [kept[1].seq])

    report = verify_chain()
    assert not report.intact and report.first_break is not None
    assert report.first_break.seq == kept[1].seq
    with pytest.raises(CommandError, match=f"seq {kept[1].seq}"):
        call_command("verify_audit")


def test_deleting_the_first_kept_event_without_an_anchor_is_a_break() -> None:
    events_at(*(T0 + timedelta(days=n) for n in range(3)))
    kept = events_at(T0 + timedelta(days=100), T0 + timedelta(days=101))
    expire_events(before=T0 + timedelta(days=50))

    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [kept[0].seq])

    report = verify_chain()
    assert report.first_break is not None and report.first_break.seq == kept[1].seq


def test_without_an_anchor_a_missing_first_row_is_a_break() -> None:
    events = events_at(T0, T0 + timedelta(days=1))

    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[0].seq])

    assert verify_chain().first_break is not None
