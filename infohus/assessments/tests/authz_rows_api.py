"""API authorisation-matrix rows of the assessments operations (tests/test_api_authorisation_matrix.py).

The same people and objects as the pages' rows (authz_rows.py): inside, carl leads and mads
(mentor, general) is on the team; outside, a case of otto's; a health-compartment assessment that
signe opens and carl and mads do not; triage by ida and per at the demo Info house; an analysis
made at triage travels to the case the decision opened. Each row builds its own objects (kwargs is
called once per person, before body), so a write by one person does not change what the next finds.
A query that names an object is filled in by kwargs, as the pages' rows fill in their form data.
"""

import base64
from collections.abc import Callable
from typing import Any

from infohus.assessments.tests import authz_rows as pages
from infohus.assessments.tests.authz_rows import AUTHORS, NOBODY, OTTO, SIGNE, TEAM, TRAVELLED, TRIAGE
from infohus.assessments.tests.factories import published
from tests.authz import ApiRow, allowed

# Who may record assessments (work on cases or triage) or author instruments.
RECORDERS = allowed("ida", "carl", "per", "signe", "mads", "otto", "rita", "pia", "morten", "sofie", "tina")
READ = frozenset({200})
CREATED = frozenset({201})
GONE = frozenset({204})
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj << >> endobj\n").decode()

Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def assessment(make: Kwargs) -> Kwargs:
    """An assessment row of the pages (its pk) as the API's path parameter."""
    return lambda world: {"assessment_id": make(world)["pk"]}


def attached(make: Kwargs) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        made = make(world)
        return {"assessment_id": made["pk"], "file_id": made["attachment_pk"]}
    return kwargs


def outside_file(world: dict[str, Any]) -> dict[str, Any]:
    return attached(lambda w: pages._attached(pages.outside_draft(w)["pk"], w))(world)


def published_version(world: dict[str, Any]) -> dict[str, Any]:
    return {"version_id": pages.published_version(world)["pk"]}


def draft_version(world: dict[str, Any]) -> dict[str, Any]:
    return {"version_id": pages.draft_version(world)["pk"]}


# Lists name their case or concern in the query, filled in by kwargs.
CASE_QUERY: dict[str, Any] = {}
OUTSIDE_QUERY: dict[str, Any] = {}
CONCERN_QUERY: dict[str, Any] = {}


def listing(query: dict[str, Any], key: str, make: Kwargs, made_key: str) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        query[key] = make(world)[made_key]
        return {}
    return kwargs


# The start names the case or concern and a published version, made by kwargs for each person.
START: dict[str, Any] = {}


def starting(make: Kwargs, key: str, made_key: str, use: str) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        START.clear()
        START.update({key: make(world)[made_key], "instrument_version": published(
            pages._recording_definition(use)).pk})
        return {}
    return kwargs


def start_body(world: dict[str, Any]) -> dict[str, Any]:
    return dict(START)


def answers_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "answers": {"summary": "Går i skole igen"}}


def file_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"field_key": "form", "name": "skema.pdf", "content_base64": PDF}


def read(operation: str, who: frozenset[str], kwargs: Kwargs | None = None, note: str = "") -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs or (lambda world: {}), ok=READ, note=note)


def write(operation: str, who: frozenset[str], kwargs: Kwargs, body: Kwargs | None = None,
          ok: frozenset[int] = READ, note: str = "") -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs, body=body, ok=ok, note=note)


ONE = "/api/v1/assessments/{assessment_id}"
FILE = "/api/v1/assessments/{assessment_id}/files/{file_id}"

API_ROWS = [
    # Instruments: the capability, no need-to-know.
    read("GET /api/v1/instruments", RECORDERS, note="those who record assessments or author instruments"),
    read("GET /api/v1/instrument-versions/{version_id}", RECORDERS, published_version),
    read("GET /api/v1/instrument-versions/{version_id}", AUTHORS, draft_version, note="a draft: authors only"),

    # The assessments of a case (the team) or of a concern at triage.
    ApiRow("GET /api/v1/assessments", TEAM, kwargs=listing(CASE_QUERY, "case", pages.case, "case_pk"),
           query=CASE_QUERY, ok=READ),
    ApiRow("GET /api/v1/assessments", OTTO, kwargs=listing(OUTSIDE_QUERY, "case", pages.outside_case, "case_pk"),
           query=OUTSIDE_QUERY, ok=READ, note="outside carl's and mads' need-to-know"),
    ApiRow("GET /api/v1/assessments", TRIAGE, kwargs=listing(CONCERN_QUERY, "concern", pages.concern, "concern_pk"),
           query=CONCERN_QUERY, ok=READ, note="a concern at triage"),

    # Starting one.
    write("POST /api/v1/assessments", TEAM, starting(pages.case, "case", "case_pk", "case"), start_body, CREATED),
    write("POST /api/v1/assessments", OTTO, starting(pages.outside_case, "case", "case_pk", "case"), start_body,
          CREATED, note="outside carl's and mads' need-to-know"),
    write("POST /api/v1/assessments", NOBODY, starting(pages.closed_case, "case", "case_pk", "case"), start_body,
          CREATED, note="a closed case takes no new assessment"),
    write("POST /api/v1/assessments", TRIAGE, starting(pages.concern, "concern", "concern_pk", "triage"), start_body,
          CREATED, note="at triage"),
    write("POST /api/v1/assessments", NOBODY, starting(pages.concern_elsewhere, "concern", "concern_pk", "triage"),
          start_body, CREATED, note="a concern at another Info house"),

    # One assessment.
    read(f"GET {ONE}", TEAM, assessment(pages.signed)),
    read(f"GET {ONE}", OTTO, assessment(pages.outside_signed), note="outside the need-to-know"),
    read(f"GET {ONE}", SIGNE, assessment(pages.health_signed), note="the health compartment: signe only"),
    read(f"GET {ONE}", TRIAGE, assessment(pages.triage_draft), note="at triage"),
    read(f"GET {ONE}", NOBODY, assessment(pages.triage_elsewhere), note="at another Info house"),
    read(f"GET {ONE}", TRAVELLED, assessment(pages.travelled),
         note="an analysis made at triage travels to the case the decision opened"),
    write(f"PUT {ONE}", TEAM, assessment(pages.draft), answers_body),
    write(f"PUT {ONE}", OTTO, assessment(pages.outside_draft), answers_body, note="outside the need-to-know"),
    write(f"PUT {ONE}", SIGNE, assessment(pages.health_draft), answers_body, note="the health compartment"),
    write(f"PUT {ONE}", NOBODY, assessment(pages.travelled_draft), answers_body, note="read-only after the decision"),
    write(f"POST {ONE}/sign", TEAM, assessment(pages.draft), answers_body),
    write(f"POST {ONE}/sign", TRIAGE, assessment(pages.triage_draft), answers_body, note="at triage"),
    write(f"DELETE {ONE}", TEAM, assessment(pages.draft), ok=GONE),
    write(f"DELETE {ONE}", OTTO, assessment(pages.outside_draft), ok=GONE, note="outside the need-to-know"),
    write(f"POST {ONE}/corrections", TEAM, assessment(pages.signed), ok=CREATED),
    write(f"POST {ONE}/corrections", SIGNE, assessment(pages.health_signed), ok=CREATED, note="the health compartment"),

    # Files of attachment fields.
    write(f"POST {ONE}/files", TEAM, assessment(pages.draft), file_body, CREATED),
    write(f"POST {ONE}/files", OTTO, assessment(pages.outside_draft), file_body, CREATED,
          note="outside the need-to-know"),
    read(f"GET {FILE}", TEAM, attached(pages.draft_file)),
    read(f"GET {FILE}", SIGNE, attached(pages.health_file), note="the health compartment"),
    write(f"DELETE {FILE}", TEAM, attached(pages.draft_file), ok=GONE),
    write(f"DELETE {FILE}", OTTO, outside_file, ok=GONE, note="outside the need-to-know"),
]
