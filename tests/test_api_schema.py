"""Schemathesis against the desk API's served OpenAPI document.

Every operation is called with examples generated from the document (valid and invalid input),
with a token of carl (case worker) and then of ida (Info-house coordinator), each with every
scope, against seeded records inside and outside their need-to-know. Every built-in check runs
(no server error; status code, content type, headers and body as documented; invalid input
refused; a call without the token refused; ...), and one of ours: no answer carries a marker
planted in records that neither of them may see.

The app is called in-process through WSGI, inside the test's transaction, so it sees the seeded
records and leaves nothing behind.
"""

import json
import re
import zlib
from collections.abc import Iterator
from enum import Enum
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from pydantic import BaseModel
from schemathesis.openapi.checks import RejectedPositiveData

from infohus.accounts.models import User
from infohus.api.desk import api as desk_api
from tests.api import api_client
from tests.api_world import OUTSIDE_MARKER, SchemaWorld, desk_operations, seed_schema_world

OPENAPI_PATH = "/api/v1/openapi.json"
MAX_EXAMPLES = 10  # per operation and caller; enough to reach past validation into the services
INVALID_INPUT = "The request's input is not valid."  # infohus.api.errors: the input models refused it

# Ids of the seeded records, per path parameter name, and the caller's token, for the test under way.
_POOLS: dict[str, list[Any]] = {}
_TOKEN: dict[str, str] = {}


def _pick(pool: list[Any], generated: Any) -> Any:
    """A seeded id chosen by the generated value, or the generated value itself one time in
    len(pool) + 1 (so that ids that do not exist are still tried)."""
    if isinstance(generated, bool) or not isinstance(generated, (int, str)):
        return generated
    seed = generated if isinstance(generated, int) else zlib.crc32(generated.encode())
    index = abs(seed) % (len(pool) + 1)
    return pool[index] if index < len(pool) else generated


def _as_clients_send(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_as_clients_send(item) for item in value]
    if isinstance(value, dict):
        return {_as_clients_send(key): _as_clients_send(item) for key, item in value.items()}
    return value


def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    """Valid examples: aim most ids at seeded records, inside and outside the caller's reach.

    They also send whole numbers without a decimal point and text without NUL characters. JSON
    Schema counts 45.0 as an integer, and Django Ninja refuses it for an integer field with 422;
    PostgreSQL cannot store a NUL, so every text input refuses one with 422. Both are refusals
    the document does not spell out on every field, no client sends either, and a failure on them
    would hide what else the operation gets wrong (both are in the coordinator's report).

    Invalid examples are left as generated, so that what they break stays broken."""
    if case.meta is not None and case.meta.generation.mode is not schemathesis.GenerationMode.POSITIVE:
        return case
    if case.path_parameters:
        case.path_parameters = {name: _pick(_POOLS[name], value) if _POOLS.get(name) else value
                                for name, value in case.path_parameters.items()}
    if isinstance(case.body, (dict, list, str)):
        case.body = _as_clients_send(case.body)
    if case.query:
        case.query = _as_clients_send(case.query)
    return case


# Refusals of valid input by rules that JSON Schema cannot state: a date outside the years the
# desk accepts (pydantic's bounds on a date do not reach the document), a date that may not lie in
# the future, a record that does not exist or that the caller may not choose (an id, a compartment
# of their role), and a rule across fields (`__all__`).
UNSTATABLE_RULES = re.compile(
    r"^(Input should be (greater|less) than or equal to \d{4}-\d{2}-\d{2}"
    r"|The date cannot be in the future"
    r"|Select a valid choice)")


def filter_failure(context: schemathesis.HookContext, failure: Any, case: schemathesis.Case,
                   response: schemathesis.Response) -> bool:
    """Keep every failure but one kind: a request valid by the document refused with 422 by a
    rule the document cannot state. The services refuse those with their own messages (a case
    must be open to be closed, a draft needs answers to be signed); the input models with the
    messages of UNSTATABLE_RULES or on the whole input. Any other 422 from the input models still
    fails: it means the document allows a value that the API refuses."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return True
    try:
        error = json.loads(response.text)["error"]
    except (ValueError, KeyError, TypeError):
        return True
    if error.get("message") != INVALID_INPUT:
        return False  # refused by a service
    fields: dict[str, list[str]] = error.get("fields") or {}
    unstatable = all(name == "__all__" or all(UNSTATABLE_RULES.match(message) for message in messages)
                     for name, messages in fields.items())
    return not (fields and unstatable)


def no_outside_marker(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                      case: schemathesis.Case) -> bool | None:
    """No answer to the caller contains anything of a record outside their need-to-know."""
    if OUTSIDE_MARKER.lower() in response.text.lower():
        raise AssertionError(
            f"{case.method} {case.formatted_path} answered {response.status_code} with data of a record "
            f"outside the caller's need-to-know (marker {OUTSIDE_MARKER!r} found)")
    return None


# carl works on cases (and reports concerns); ida triages at the Info house. Between them they may
# call much of the API, each with every scope; tina (trainer), kamal (community) and anders (analyst)
# reach the training, community and statistics operations.
CALLERS = ["carl", "ida", "tina", "kamal", "anders"]


@pytest.fixture(params=CALLERS)
def schema_world(request: pytest.FixtureRequest, people: dict[str, User], settings: Any) -> Iterator[SchemaWorld]:
    # The run makes hundreds of calls a minute, and schemathesis' own checks send wrong tokens on
    # purpose: the rate limits are tested on their own (infohus/api/tests) and would answer 429.
    settings.API_RATE_PER_TOKEN = "100000/m"
    settings.API_RATE_FAILED_PER_ADDRESS = "100000/m"
    world = seed_schema_world(people, request.param)
    _POOLS.clear()
    _POOLS.update(world.pools)
    yield world
    _POOLS.clear()


@pytest.fixture
def caller_token(people: dict[str, User], schema_world: SchemaWorld) -> Iterator[None]:
    client = api_client(people[schema_world.caller])
    _TOKEN["header"] = client.defaults["HTTP_AUTHORIZATION"]
    yield
    _TOKEN.clear()


@pytest.fixture
def app_in_test_transaction(schema_world: SchemaWorld) -> Iterator[None]:
    # As Django's test client does: a request must not close the test's connection, or the app
    # would leave the transaction that holds the seeded records.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded when the tests are collected: serving the document reads no database. (Schemathesis'
# from_fixture, which would load it inside a test, does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi(OPENAPI_PATH, WSGIHandler())
schema.hook(map_case)
schema.hook(filter_failure)


@schema.auth.auth(refresh_interval=None)
class CallerToken:
    """The caller's token, sent as schemathesis' auth so that its checks know it: they leave it out
    or spoil it on purpose and expect 401."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str | None:
        return _TOKEN.get("header")  # none while the tests are being collected

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          # The seeded world is shared by the examples of one operation on purpose.
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@pytest.mark.usefixtures("app_in_test_transaction", "caller_token")
def test_api_conforms_to_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate(additional_checks=[no_outside_marker])


@pytest.fixture
def served_document(db: None) -> dict[str, Any]:
    response = Client().get(OPENAPI_PATH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def test_document_is_openapi_3(served_document: dict[str, Any]) -> None:
    assert served_document["openapi"].startswith("3.")
    loaded = schemathesis.openapi.from_dict(served_document)
    loaded.validate()  # raises on a document that breaks the OpenAPI schema
    assert loaded.statistic.operations.total == len(desk_operations())


def test_every_operation_has_security_summary_and_tags(served_document: dict[str, Any]) -> None:
    schemes = served_document["components"]["securitySchemes"]
    problems = []
    for path, item in served_document["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            security = operation.get("security") or []
            if not security or not all(set(requirement) <= set(schemes) for requirement in security):
                problems.append(f"{name}: no security requirement, or one without a scheme")
            if not operation.get("summary", "").strip():
                problems.append(f"{name}: no summary")
            if not operation.get("tags"):
                problems.append(f"{name}: no tags")
    assert not problems, problems
    assert all(scheme == {"type": "http", "scheme": "bearer"} for scheme in schemes.values())


def test_operation_ids_are_unique(served_document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for item in served_document["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids))


def _models_in(annotation: Any, found: set[type]) -> None:
    """The models and enumerations an annotation names, each of which becomes a component."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        found.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in getattr(annotation, "__args__", ()):
        _models_in(argument, found)


def test_schema_names_are_unique() -> None:
    """Two schemas (or choices, such as two TextChoices both called Status) of one name would share
    one entry of the document's components, and all but one would be described wrongly."""
    found: set[type] = set()
    for bound in desk_api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *(operation.response_models or {}).values()]:
                    _models_in(model, found)
    by_name: dict[str, set[str]] = {}
    for model in found:
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"schemas that share a name in the OpenAPI document: {clashes}"
