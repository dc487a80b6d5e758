"""Every URL of the project has a row in the authorisation matrix, and every row holds for
every named person (and for an anonymous visitor)."""

import importlib
import pkgutil
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import infohus
from conftest import sign_in_fully
from infohus.accounts.people import PEOPLE
from tests.authz import ANONYMOUS, EVERYONE, PUBLIC, Row


def _all_rows() -> list[Row]:
    rows: list[Row] = []
    for app in pkgutil.iter_modules(infohus.__path__):
        try:
            module = importlib.import_module(f"infohus.{app.name}.tests.authz_rows")
        except ModuleNotFoundError:
            continue
        rows.extend(module.ROWS)
    return rows


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")
    return names


ROWS = _all_rows()
USERS = [p.username for p in PEOPLE]


def test_every_url_has_a_row() -> None:
    exact = {row.route for row in ROWS}
    wildcards = tuple(row.route[:-1] for row in ROWS if row.route.endswith(":*"))
    missing = sorted(
        name for name in _route_names(get_resolver())
        # The desk's JSON API has its own matrix, per operation: tests/test_api_authorisation_matrix.py.
        if name not in exact and not name.startswith(wildcards) and not name.startswith("desk_api:")
    )
    assert not missing, f"URLs without a row in the authorisation matrix: {missing}"


def test_every_row_names_an_existing_url() -> None:
    names = _route_names(get_resolver())
    stale = [row.route for row in ROWS if not row.route.endswith(":*") and row.route not in names]
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _may(row: Row, who: str) -> bool:
    if row.allowed == PUBLIC:
        return True
    if who == ANONYMOUS:
        return False
    if row.allowed == EVERYONE:
        return True
    assert isinstance(row.allowed, frozenset)
    return who in row.allowed


def _request(client: Client, row: Row, world: dict[str, Any]) -> int:
    name = row.sample or row.route
    url = reverse(name, kwargs=row.kwargs(world))
    response = client.post(url, row.data) if row.method == "POST" else client.get(url)
    return response.status_code


@pytest.mark.parametrize("row", ROWS, ids=[row.route for row in ROWS])
def test_row_holds_for_every_person(row: Row, people: dict[str, Any], authz_world: dict[str, Any]) -> None:
    failures = []
    for who in [ANONYMOUS, *USERS]:
        client = Client()
        if who != ANONYMOUS:
            sign_in_fully(client, people[who])
        status = _request(client, row, authz_world)
        if _may(row, who):
            if status not in row.ok:
                failures.append(f"{who} should be allowed, got {status}")
        elif status not in {302, 403, 404} or (status == 302 and who != ANONYMOUS):
            failures.append(f"{who} should be refused, got {status}")
    assert not failures, f"{row.route}: " + "; ".join(failures)
