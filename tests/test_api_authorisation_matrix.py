"""The desk API's authorisation matrix: every operation of the served OpenAPI document has a row,
and every row holds for every named person, for an anonymous caller and for a token without the
operation's scope.

Each app lists its rows in `infohus/<app>/tests/authz_rows_api.py` as API_ROWS (tests/authz.py,
ApiRow). A person calls with a token that carries every scope and acts in their default
membership; the scope an operation needs is read from its auth object, not kept per row.
"""

import importlib
import json
import pkgutil
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

import infohus
from infohus.accounts.models import User
from infohus.accounts.people import PEOPLE
from infohus.api.scopes import Scope
from tests.api import ALL_SCOPES, api_client
from tests.api_world import desk_operations, error_code, error_shape_problems, operations_of_document
from tests.authz import EVERYONE, ApiRow

USERS = [p.username for p in PEOPLE]
PLACEHOLDER = re.compile(r"{([^}]+)}")


def _all_rows() -> list[ApiRow]:
    rows: list[ApiRow] = []
    for app in pkgutil.iter_modules(infohus.__path__):
        name = f"infohus.{app.name}.tests.authz_rows_api"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if not missing.name or not name.startswith(missing.name):
                raise  # a rows module that fails to import must not pass as "no rows"
            continue
        rows.extend(module.API_ROWS)
    return rows


ROWS = _all_rows()


@pytest.fixture(autouse=True)
def _room_for_many_calls(settings: Any) -> Iterator[None]:
    # Hundreds of calls a minute from one address and a few per token: the limits are tested on
    # their own (infohus/api/tests); here they would only turn answers into 429.
    settings.API_RATE_PER_TOKEN = "100000/m"
    settings.API_RATE_FAILED_PER_ADDRESS = "100000/m"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def served_document(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_every_operation_has_a_row(served_document: dict[str, Any]) -> None:
    covered = {row.operation for row in ROWS}
    missing = sorted(operations_of_document(served_document) - covered)
    assert not missing, f"API operations without a row in the API authorisation matrix: {missing}"


def test_every_row_names_an_existing_operation(served_document: dict[str, Any]) -> None:
    stale = sorted({row.operation for row in ROWS} - operations_of_document(served_document))
    assert not stale, f"rows for API operations that the OpenAPI document does not have: {stale}"


def test_every_operation_needs_one_scope_or_any_token(served_document: dict[str, Any]) -> None:
    operations = desk_operations()
    assert set(operations) == operations_of_document(served_document), "routers and document disagree"
    unguarded = sorted(key for key, operation in operations.items() if not operation.scoped)
    assert not unguarded, f"operations not guarded by exactly one scope(...) auth: {unguarded}"


def test_rows_name_known_people() -> None:
    unknown = sorted({f"{row.operation}: {name}" for row in ROWS if isinstance(row.allowed, frozenset)
                      for name in row.allowed if name not in USERS})
    assert not unknown, f"rows allow people who are not in people.py: {unknown}"


def test_need_to_know_operations_have_an_inside_and_an_outside_row() -> None:
    """An operation on one record needs a row for a record inside the caller's reach and one outside
    it; a single row must say in its note why one is enough."""
    counts = Counter(row.operation for row in ROWS)
    lonely = sorted(row.operation for row in ROWS
                    if PLACEHOLDER.search(row.operation) and counts[row.operation] == 1 and not row.note)
    assert not lonely, f"operations on a record with one row and no note why: {lonely}"


def _may(row: ApiRow, who: str) -> bool:
    if row.allowed == EVERYONE:
        return True
    assert isinstance(row.allowed, frozenset)
    return who in row.allowed


def _call(client: Client, row: ApiRow, world: dict[str, Any]) -> Any:
    method, template = row.operation.split(" ", 1)
    arguments = row.kwargs(world)
    path = PLACEHOLDER.sub(lambda match: quote(str(arguments[match.group(1)]), safe=""), template)
    if row.query:
        path = f"{path}?{urlencode(row.query, doseq=True)}"
    if row.body is None:
        return client.generic(method, path)
    return client.generic(method, path, json.dumps(row.body(world)), content_type="application/json")


def _describe(response: HttpResponse) -> str:
    code = error_code(response)
    return f"{response.status_code}{f' {code}' if code else ''}"


def _refusals_of_the_token(row: ApiRow, people: dict[str, User], world: dict[str, Any]) -> list[str]:
    """No token answers 401; a token without the operation's scope answers 403 missing_scope (or,
    for an operation any valid token may call, a token with one unrelated scope is enough)."""
    failures = []
    anonymous = _call(Client(), row, world)
    failures += [f"anonymous: {problem}" for problem in error_shape_problems(anonymous)]
    if anonymous.status_code != 401 or error_code(anonymous) != "unauthenticated":
        failures.append(f"anonymous should get 401 unauthenticated, got {_describe(anonymous)}")
    elif not anonymous.get("WWW-Authenticate", "").startswith("Bearer"):
        failures.append("anonymous 401 without WWW-Authenticate: Bearer")
    operation = desk_operations()[row.operation]
    who = next((name for name in USERS if _may(row, name)), USERS[0])
    if operation.scope is None:
        response = _call(api_client(people[who], scopes=[Scope.STATISTICS_READ.value]), row, world)
        if response.status_code not in row.ok:
            failures.append(f"{who} with one unrelated scope should be allowed, got {_describe(response)}")
        return failures
    others = [name for name in ALL_SCOPES if name != operation.scope.value]
    response = _call(api_client(people[who], scopes=others), row, world)
    failures += [f"{who} without {operation.scope.value}: {problem}" for problem in error_shape_problems(response)]
    if response.status_code != 403 or error_code(response) != "missing_scope":
        failures.append(f"{who} without {operation.scope.value} should get 403 missing_scope, "
                        f"got {_describe(response)}")
    return failures


@pytest.mark.parametrize("row", ROWS, ids=[row.operation for row in ROWS])
def test_row_holds(row: ApiRow, people: dict[str, User], authz_world: dict[str, Any]) -> None:
    """Every named person, with every scope, is allowed or refused as the row says; no token and a
    token without the operation's scope are refused; every error has the one shape."""
    failures = _refusals_of_the_token(row, people, authz_world)
    for who in USERS:
        response = _call(api_client(people[who]), row, authz_world)
        failures += [f"{who}: {problem}" for problem in error_shape_problems(response)]
        if _may(row, who):
            if response.status_code not in row.ok:
                failures.append(f"{who} should be allowed, got {_describe(response)}")
        elif response.status_code not in {403, 404}:
            failures.append(f"{who} should be refused, got {_describe(response)}")
    assert not failures, f"{row.operation}: " + "; ".join(failures)
