"""The triage queue: urgent first, then the oldest, only the user's own Info house."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern
from infohus.cases.selectors.triage import triage_queue
from infohus.cases.tests.factories import make_concern, make_person
from infohus.cases.tests.triage_helpers import (
    REQUEST_QUERIES,
    audit_queries,
    concern_at_other_info_house,
    received_ago,
)

URL = "/desk/triage/"
# The request's own queries, the user's Info houses, the count and the page of concerns (person
# and organisations joined), and one audit event for the page. It must not grow with the rows.
QUEUE_QUERIES = REQUEST_QUERIES + 3 + audit_queries(1)


def test_urgent_first_then_oldest(people: dict[str, User]) -> None:
    new = received_ago(make_concern(), hours=1)
    old = received_ago(make_concern(), days=5)
    urgent_new = received_ago(make_concern(urgent=True), minutes=5)
    urgent_old = received_ago(make_concern(urgent=True), days=1)
    assert list(triage_queue(people["ida"])) == [urgent_old, urgent_new, old, new]


def test_queue_holds_only_open_concerns_of_own_info_house(people: dict[str, User]) -> None:
    waiting = make_concern()
    in_triage = make_concern(status=Concern.Status.IN_TRIAGE)
    make_concern(status=Concern.Status.DECIDED)
    make_concern(status=Concern.Status.LOCAL_ASSESSMENT)
    concern_at_other_info_house()
    assert set(triage_queue(people["per"])) == {waiting, in_triage}


def test_page_shows_time_since_receipt(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("ida")
    concern = received_ago(make_concern(urgent=True), days=3)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert concern.reference in body
    assert "3\xa0days" in body
    assert AuditEvent.objects.filter(action="triage.queue_viewed", actor_username="ida").exists()


def test_case_worker_is_refused(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("carl").get(URL).status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_query_count_does_not_grow(signed_in: Callable[[str], Client], rows: int,
                                   django_assert_max_num_queries: Any) -> None:
    client = signed_in("ida")
    for i in range(rows):
        make_concern(person=make_person(last_name=f"Nr{i}"), urgent=i % 3 == 0)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
