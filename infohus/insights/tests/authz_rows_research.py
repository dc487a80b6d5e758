"""Authorisation-matrix rows of the research pages.

Only the analyst anders (ANALYSE) proposes projects; anders and the data protection officer dina
(AUDIT) read the register and a project with its extract log; only dina decides and makes
extracts. Everyone else (the administrator sofie included) is refused with 403. There is one of
each, and projects are platform-wide, so the need-to-know rows are about a project's status: only a
proposed project can be decided (404 otherwise), only an approved one extracted (404 otherwise).
Each row builds its own project (kwargs is called once per person).
"""

from typing import Any

from infohus.insights.models import ResearchProject
from infohus.insights.tests.factories import make_project
from tests.authz import Row, allowed

READERS = allowed("anders", "dina")
ANALYST = allowed("anders")
DPO = allowed("dina")
NOBODY: frozenset[str] = frozenset()

PAGE = frozenset({200})
DONE = frozenset({302})


def _proposed(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_project(proposed_by=world["people"]["anders"]).pk}


def _approved(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_project(proposed_by=world["people"]["anders"], status=ResearchProject.Status.APPROVED).pk}


PROPOSAL = {"title": "Time to decision", "purpose": "How long concerns wait for the Info house.",
            "researchers": "A university research group", "period_start": "2025-01-01", "period_end": "2025-12-31",
            "columns": ["extremism", "days_to_decision"], "quasi_identifiers": ["extremism"], "k": "5",
            "dates": "month"}
APPROVE = {"decision": "approve", "note": ""}


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any], ok: frozenset[int] = DONE,
          note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), method="POST", data=data, ok=ok, note=note)


ROWS: list[Row] = [
    page("insights:research_list", READERS),
    page("insights:research_new", ANALYST),
    write("insights:research_new", ANALYST, None, PROPOSAL),
    page("insights:research_detail", READERS, _proposed),
    page("insights:research_detail", READERS, _approved, note="the extract button for dina only"),
    page("insights:research_decide", DPO, _proposed),
    page("insights:research_decide", NOBODY, _approved, note="already decided: 404"),
    write("insights:research_decide", DPO, _proposed, APPROVE),
    write("insights:research_decide", NOBODY, _approved, APPROVE, note="a forged second decision"),
    write("insights:research_extract", DPO, _approved, {}, ok=PAGE, note="the CSV of an empty period"),
    write("insights:research_extract", NOBODY, _proposed, {}, note="not approved: 404, a forged POST"),
]
