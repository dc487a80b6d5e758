"""record_event builds a hash chain, and nothing in the application can change or remove a row."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.chain import GENESIS, HASHED_FIELDS, row_hash, walk
from infohus.audit.models import AppendOnlyError, AuditEvent
from infohus.audit.selectors import verify_chain
from infohus.audit.services import record_event

pytestmark = pytest.mark.django_db


def _record(count: int, **kwargs: Any) -> list[AuditEvent]:
    return [record_event(action="test.event", object_type="thing", object_id=n, **kwargs) for n in range(count)]


def _content(event: AuditEvent) -> dict[str, object]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def test_first_event_follows_the_genesis_hash() -> None:
    (event,) = _record(1)

    assert event.seq == 1
    assert event.prev_hash == GENESIS
    assert event.hash == row_hash(GENESIS, _content(event))


def test_each_event_carries_the_hash_of_the_one_before() -> None:
    events = _record(4)

    assert [e.seq for e in events] == [1, 2, 3, 4]
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == row_hash(before.hash, _content(after))


def test_stored_rows_hash_to_what_was_written() -> None:
    # The hash is computed in Python before the insert; the row read back must give the same
    # hash, or verification would fail on every untouched row (time zones, JSON key order…).
    record_event(action="test.event", details={"b": 2, "a": [1, "ø"]}, purpose="Café: ærlig grund")
    stored = AuditEvent.objects.get()

    assert stored.hash == row_hash(stored.prev_hash, _content(stored))
    assert verify_chain().intact


@pytest.mark.parametrize("field", [f for f in HASHED_FIELDS if f != "seq"])
def test_a_change_to_any_hashed_field_changes_the_hash(field: str) -> None:
    (event,) = _record(1)
    content = _content(event)
    changed = {**content, field: {"x": 1} if field == "details" else ("10.9.9.9" if field == "ip_address" else 9)}

    assert row_hash(event.prev_hash, changed) != event.hash


def test_actor_and_organisation_are_copied_as_plain_values(people: dict[str, User]) -> None:
    ida = people["ida"]
    organisation = ida.memberships.get().organisation
    event = record_event(action="test.event", actor=ida, organisation=organisation)

    assert (event.actor_id, event.actor_username) == (ida.pk, "ida")
    assert (event.organisation_id, event.organisation_name) == (organisation.pk, organisation.name)


def test_an_anonymous_actor_is_recorded_as_nobody() -> None:
    from django.contrib.auth.models import AnonymousUser

    event = record_event(action="test.event", actor=AnonymousUser())

    assert event.actor_id is None
    assert event.actor_username == ""


def test_events_written_during_a_request_carry_its_request_id_and_address(people: dict[str, User]) -> None:
    response = Client().post("/accounts/sign-in/", {"username": "ida", "password": "wrong password"},
                             HTTP_X_REQUEST_ID="abc123", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="sign_in.failed")

    assert response["X-Request-ID"] == "abc123"
    assert event.request_id == "abc123"
    assert event.ip_address == "10.1.2.3"


def test_an_event_in_a_rolled_back_transaction_leaves_no_gap_in_the_chain() -> None:
    _record(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action="test.rolled_back")
        raise RuntimeError("the change the event described failed")
    record_event(action="test.after")

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "test.event"), (2, "test.event"), (3, "test.after"),
    ]
    assert verify_chain().intact


# --- the application refuses to change or remove a row ----------------------------------

def test_saving_an_existing_event_is_refused() -> None:
    (event,) = _record(1)
    event.purpose = "rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get().purpose == ""


def test_deleting_an_event_is_refused() -> None:
    (event,) = _record(1)

    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_queryset_update_is_refused() -> None:
    _record(2)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(purpose="rewritten")
    assert not AuditEvent.objects.filter(purpose="rewritten").exists()


def test_queryset_delete_is_refused() -> None:
    _record(2)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


# --- on PostgreSQL the database refuses as well -----------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@postgresql_only
def test_database_refuses_a_raw_update() -> None:
    _record(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET purpose = 'rewritten' WHERE seq = 1")
    assert not AuditEvent.objects.filter(purpose="rewritten").exists()


@postgresql_only
def test_database_refuses_a_raw_delete() -> None:
    _record(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    assert AuditEvent.objects.count() == 2


# --- walk() on its own ------------------------------------------------------------------

def test_walk_of_an_empty_chain_is_intact() -> None:
    report = walk([])

    assert report.intact
    assert report.rows_checked == 0


def test_an_ipv6_address_in_long_form_does_not_break_the_chain(db: None) -> None:
    from infohus.audit.context import RequestContext, current_request
    from infohus.audit.selectors import verify_chain

    token = current_request.set(RequestContext(request_id="abc", ip_address="2001:DB8:0::1"))
    try:
        record_event(action="test.ipv6", details={"when": __import__("datetime").date(2026, 1, 2)})
    finally:
        current_request.reset(token)

    assert verify_chain().intact
    assert AuditEvent.objects.get().ip_address == "2001:db8::1"
