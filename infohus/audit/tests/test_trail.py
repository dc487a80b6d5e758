"""The data protection officer's audit trail page (/audit/) and its verify button."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.audit.services import record_event
from infohus.audit.tests.tampering import tamper
from infohus.audit.views import PAGE_SIZE

# Queries of one view of the trail, for a signed-in DPO:
#  1 session, 2 user, 3 OTP device of the session, 4 memberships (acting role),
#  5 distinct actions for the filter, 6 count, 7 the page of rows,
#  8-11 record "audit.viewed" (savepoint, last row of the chain, insert, release),
#  12-14 session save (savepoint, update, release).
# PostgreSQL adds one: the advisory lock that serialises writers of the chain.
TRAIL_QUERIES = 14 + (1 if connection.vendor == "postgresql" else 0)


def _events(count: int, **kwargs: Any) -> None:
    for n in range(count):
        record_event(action="test.event", object_type="thing", object_id=n, **kwargs)


@pytest.fixture
def dina(signed_in: Callable[[str], Client]) -> Client:
    return signed_in("dina")


def test_lists_events_newest_first(dina: Client) -> None:
    _events(3)

    response = dina.get("/audit/")

    assert response.status_code == 200
    seqs = [e.seq for e in response.context["page"]]
    assert seqs == sorted(seqs, reverse=True)
    assert AuditEvent.objects.filter(action="test.event").count() == 3
    assert response.content.count(b"<code>test.event</code>") == 3


def test_viewing_the_trail_is_itself_recorded(dina: Client, people: dict[str, User]) -> None:
    dina.get("/audit/", {"actor": "carl"})

    event = AuditEvent.objects.filter(action="audit.viewed").get()
    assert event.actor_username == "dina"
    assert event.organisation_name == people["dina"].memberships.get().organisation.name
    assert event.details == {"filters": {"actor": "carl"}, "page": 1}


def test_the_page_shows_the_events_it_counted(dina: Client) -> None:
    # The viewing event is written after the count; it must not push a counted row off the page.
    dina.get("/audit/")
    counted = list(AuditEvent.objects.filter(actor_username="dina").order_by("-seq").values_list("seq", flat=True))

    response = dina.get("/audit/", {"actor": "dina"})

    page = response.context["page"]
    assert page.paginator.count == len(counted)
    assert [e.seq for e in page] == counted


@pytest.mark.parametrize(("query", "expected"), [
    ({"actor": "CARL"}, {"carl"}),
    ({"action": "test.other"}, {"test.other"}),
    ({"person_id": "P-42"}, {"P-42"}),
    ({"text": "safeguarding"}, {"safeguarding review"}),
])
def test_filters(dina: Client, people: dict[str, User], query: dict[str, str], expected: set[str]) -> None:
    record_event(action="test.event", actor=people["carl"])
    record_event(action="test.other", actor=people["ida"])
    record_event(action="test.event", person_id="P-42")
    record_event(action="test.event", purpose="safeguarding review")
    record_event(action="test.event", purpose="something else")

    response = dina.get("/audit/", query)

    field = {"actor": "actor_username", "action": "action", "person_id": "person_id", "text": "purpose"}[
        next(iter(query))]
    assert {getattr(e, field) for e in response.context["page"]} == expected


def test_an_unknown_action_in_the_filter_is_ignored_not_an_error(dina: Client) -> None:
    _events(2)

    response = dina.get("/audit/", {"action": "no.such.action"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"].paginator.count >= 2


def test_paginates(dina: Client) -> None:
    _events(PAGE_SIZE + 10)
    total = AuditEvent.objects.count()

    first = dina.get("/audit/").context["page"]
    second = dina.get("/audit/", {"page": 2}).context["page"]

    assert first.paginator.num_pages == 2
    assert len(first) == PAGE_SIZE
    assert first[0].seq == total
    # The first view added an event, so the second page starts one row later than before.
    assert second[0].seq == total + 1 - PAGE_SIZE
    assert len(second) == total + 1 - PAGE_SIZE


def test_an_out_of_range_page_shows_the_last_page(dina: Client) -> None:
    _events(3)

    response = dina.get("/audit/", {"page": 99})

    assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.parametrize("events", [3, 3 * PAGE_SIZE])
def test_query_count_does_not_grow_with_the_trail(
    dina: Client, events: int, django_assert_max_num_queries: Callable[..., object]
) -> None:
    _events(events, actor=None)
    dina.get("/audit/")  # warm the session cache, as in a running site

    with django_assert_max_num_queries(TRAIL_QUERIES):  # type: ignore[attr-defined]
        response = dina.get("/audit/")

    assert response.status_code == 200


def test_a_case_worker_is_refused(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("carl").get("/audit/").status_code == 403


# --- the verify button --------------------------------------------------------------------

def test_verify_reports_an_intact_chain(dina: Client) -> None:
    _events(4)
    rows = AuditEvent.objects.count()

    response = dina.post("/audit/verify/")

    assert response.status_code == 200
    assert f"The chain is intact: {rows} rows verified.".encode() in response.content
    verified = AuditEvent.objects.get(action="audit.verified")
    assert verified.actor_username == "dina"
    assert verified.details == {"rows": rows, "intact": True, "first_break": ""}


def test_verify_names_the_broken_row(dina: Client) -> None:
    _events(4)
    third = AuditEvent.objects.get(seq=3)
    tamper("UPDATE audit_auditevent SET purpose = 'forged' WHERE seq = 3")

    response = dina.post("/audit/verify/")

    assert response.status_code == 200
    assert f"The chain is broken at row seq 3 (id {third.pk})".encode() in response.content
    assert b"intact" not in response.content
    verified = AuditEvent.objects.get(action="audit.verified")
    assert verified.details["intact"] is False
    assert verified.details["first_break"].startswith("row seq 3")


def test_verify_needs_post(dina: Client) -> None:
    assert dina.get("/audit/verify/").status_code == 405
