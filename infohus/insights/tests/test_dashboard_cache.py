"""The dashboard keeps the suppressed figures of a filter in the cache for a while: the second
look at the same filter counts nothing again and says when the figures were counted."""


import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in_fully
from infohus.accounts.models import User
from infohus.insights.demo import create_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(people: dict[str, User], settings: object) -> Client:
    settings.INSIGHTS_CACHE_SECONDS = 600  # type: ignore[attr-defined]
    cache.clear()
    client = Client()
    sign_in_fully(client, people["anders"])
    return client


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_same_filter_is_counted_once_for_a_while(analyst: Client) -> None:
    create_history(size=80)
    url = "/desk/insights/?from=2025-01&to=2026-10&municipality=&district="

    first, html = _queries(analyst, url)
    again, html_again = _queries(analyst, url)

    assert 'data-testid="counted-at"' in html
    assert again <= first - 10  # the figures' queries are gone; the page's own remain
    assert html_again.count("<td") == html.count("<td")


def test_another_filter_or_language_is_counted_afresh(analyst: Client, people: dict[str, User]) -> None:
    create_history(size=40)
    first, _html = _queries(analyst, "/desk/insights/?from=2025-01&to=2026-10&municipality=&district=")

    other, _other_html = _queries(analyst, "/desk/insights/?from=2025-02&to=2026-10&municipality=&district=")

    assert other >= first - 2


def test_no_cache_when_switched_off(people: dict[str, User], settings: object) -> None:
    settings.INSIGHTS_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    client = Client()
    sign_in_fully(client, people["anders"])
    url = "/desk/insights/?from=2025-01&to=2026-10&municipality=&district="

    first, html = _queries(client, url)
    again, _html = _queries(client, url)

    assert 'data-testid="counted-at"' not in html
    assert again >= first - 2
