"""The OpenAPI document says what the checks around every operation may answer, in the one error
shape: 401 and 429 for every operation, 403 where a scope is needed, 400 and 415 where a body is
read (and 409 where the body carries the version read), 422 where there is input, 404 where the
path names a record."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served: dict[str, Any] = response.json()
    return served


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def _schema_of(answer: dict[str, Any]) -> str:
    return str(answer["content"]["application/json"]["schema"].get("$ref", ""))


def test_every_operation_documents_401_and_429(document: dict[str, Any]) -> None:
    missing = [f"{method} {path}: {code}" for method, path, operation in _operations(document)
               for code in ("401", "429") if code not in operation["responses"]]
    assert not missing


def test_who_the_token_is_documents_exactly_its_errors(document: dict[str, Any]) -> None:
    answers = document["paths"]["/api/v1/me"]["get"]["responses"]
    assert set(answers) == {"200", "401", "429"}
    assert _schema_of(answers["401"]) == _schema_of(answers["429"]) == ERROR_REF


def test_the_error_shape_is_described(document: dict[str, Any]) -> None:
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"status", "code", "message", "fields"}
    assert set(detail["properties"]) == {"status", "code", "message", "fields", "current_version"}


def test_a_write_documents_its_body_errors(document: dict[str, Any]) -> None:
    writes = [(method, path, operation) for method, path, operation in _operations(document)
              if "requestBody" in operation]
    missing = [f"{method} {path}: {code}" for method, path, operation in writes
               for code in ("400", "403", "415", "422") if code not in operation["responses"]]
    assert writes and not missing


def test_a_path_that_names_a_record_documents_404(document: dict[str, Any]) -> None:
    missing = [f"{method} {path}" for method, path, operation in _operations(document)
               if "{" in path and "404" not in operation["responses"]]
    assert not missing


def _body_properties(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("properties", {}))


def test_a_write_that_sends_the_version_read_documents_409(document: dict[str, Any]) -> None:
    versioned = [(method, path, operation) for method, path, operation in _operations(document)
                 if "requestBody" in operation and "version" in _body_properties(document, operation)]
    missing = [f"{method} {path}" for method, path, operation in versioned if "409" not in operation["responses"]]
    assert versioned and not missing
    assert all(_schema_of(operation["responses"]["409"]) for _, _, operation in versioned)
