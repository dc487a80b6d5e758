"""The public practice network and its API: open to everyone, signed in or not."""

from typing import Any

from infohus.directory.tests.factories import make_organisation, make_project
from tests.authz import PUBLIC, Row


def _project(world: dict[str, Any]) -> dict[str, str]:
    return {"slug": make_project("Matrix project", summary="A project for the matrix").slug}


def _organisation(world: dict[str, Any]) -> dict[str, str]:
    return {"slug": make_organisation("Matrix organisation").slug}


OK = frozenset({200})

ROWS = [
    Row("directory:search", PUBLIC, ok=OK),
    Row("directory:countries", PUBLIC, ok=OK),
    Row("directory:country", PUBLIC, kwargs=lambda world: {"code": "dk"}, ok=OK),
    Row("directory:project", PUBLIC, kwargs=_project, ok=OK),
    Row("directory:organisation", PUBLIC, kwargs=_organisation, ok=OK),
    Row("directory:map", PUBLIC, ok=OK),
    Row("directory:export_csv", PUBLIC, ok=OK),
    Row("directory:export_json", PUBLIC, ok=OK),
    Row("directory_api:list_projects", PUBLIC, ok=OK),
    Row("directory_api:get_project", PUBLIC, kwargs=_project, ok=OK),
    Row("directory_api:list_countries", PUBLIC, ok=OK),
    Row("directory_api:list_organisations", PUBLIC, ok=OK),
    Row("directory_api:get_organisation", PUBLIC, kwargs=_organisation, ok=OK),
    Row("directory_api:openapi-json", PUBLIC, ok=OK),
    Row("directory_api:api-root", PUBLIC, ok=frozenset({404}),
        note="ninja's root only names the (disabled) docs page; it answers 404 to everyone"),
]
