"""API authorisation-matrix rows of the interventions and lending operations
(tests/test_api_authorisation_matrix.py).

The same people and objects as the pages' rows (authz_rows.py): interventions follow the case
need-to-know (inside, carl leads and mads is on the team; outside, a case of otto's); an anonymous
advice consultation of Aarhus is opened by Aarhus's case workers and mentors; otto, lent by Randers,
reaches the one case he is lent to. Lending: the borrowing side is carl (Aarhus), the lending side
rita (Randers); morten coaches mentors at the national centre and stands on neither side. Each row
builds its own objects (kwargs is called once per person, before body).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from infohus.interventions.tests import authz_rows as pages
from infohus.interventions.tests.authz_rows import (
    BORROWER,
    BOTH_SIDES,
    CORPS_READERS,
    LENDER,
    LENT,
    OTTO,
    RITA,
    TEAM,
    TODAY,
    WORKERS,
)
from tests.authz import ApiRow

READ = frozenset({200})
CREATED = frozenset({201})
# Those who may ask about lending: case managers (either side) and mentor coaches (lending side).
LENDING_ROLES = CORPS_READERS

Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def intervention(make: Kwargs) -> Kwargs:
    """An intervention row of the pages (its pk) as the API's path parameter."""
    return lambda world: {"intervention_id": make(world)["pk"]}


def goal(make: Kwargs) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        made = make(world)
        return {"intervention_id": made["pk"], "goal_id": made["goal_pk"]}
    return kwargs


def lending(make: Kwargs) -> Kwargs:
    return lambda world: {"request_id": make(world)["pk"]}


# Lists and starts name their case in the query or body, filled in by kwargs for each person.
CASE_QUERY: dict[str, Any] = {}
OUTSIDE_QUERY: dict[str, Any] = {}
BODY: dict[str, Any] = {}


def listing(query: dict[str, Any], make: Kwargs) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        query["case"] = make(world)["case_pk"]
        return {}
    return kwargs


def starting(make: Kwargs, provider: str) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        BODY.clear()
        BODY.update(case=make(world)["case_pk"], kind="mentoring", provider_user=world["people"][provider].pk,
                    description="Faste møder hver uge.")
        return {}
    return kwargs


def borrowing(make: Kwargs, lender: str) -> Kwargs:
    def kwargs(world: dict[str, Any]) -> dict[str, Any]:
        BODY.clear()
        BODY.update(case=make(world)["case_pk"], lending_organisation=pages._org(lender).pk, corps_role="mentor",
                    needs={"languages": ["en"], "prison_work": True},
                    summary="En ung mand, der snart løslades, har brug for en mentor.", hours_per_month=6)
        return {}
    return kwargs


def offering(world: dict[str, Any]) -> dict[str, Any]:
    BODY.clear()
    BODY.update(version=1, action="offer", mentor=pages._profile(world, "otto", "Randers").pk)
    return lending(pages.sent)(world)


def the_body(world: dict[str, Any]) -> dict[str, Any]:
    return dict(BODY)


def fixed(body: dict[str, Any]) -> Kwargs:
    return lambda world: dict(body)


ADVICE = {"advice_for": "next_of_kin", "duration_minutes": 45,
          "notes": "En mor ringede, bekymret for sin søn; hun ønskede at være anonym."}
GOAL = {"what": "Går i skole hver dag.", "by_when": str(TODAY + timedelta(days=60)),
        "how_we_know": "Skolen melder fraværet hver måned."}
GOAL_CHANGE = {"status": "in_progress"}
SESSION = {"duration_minutes": 60, "mode": "meeting", "notes": "En god snak om skolen."}
END = {"version": 1, "outcome": "goals_met", "reason": "Han går i skole igen og har et fritidsjob."}
DECLINE = {"version": 1, "action": "decline", "reason": "Vi har ingen mentor med engelsk lige nu."}
WITHDRAW = {"version": 1, "action": "withdraw"}
ACCEPT = {"version": 1, "action": "accept"}
END_LENDING = {"version": 1, "reason": "Forløbet er slut."}
HOURS = {"from": str(TODAY - timedelta(days=90)), "to": str(TODAY)}


def read(operation: str, who: frozenset[str], kwargs: Kwargs | None = None, note: str = "",
         query: dict[str, Any] | None = None) -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs or (lambda world: {}), query={} if query is None else query, ok=READ,
                  note=note)


def write(operation: str, who: frozenset[str], kwargs: Kwargs | None, body: Kwargs,
          ok: frozenset[int] = READ, note: str = "") -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs or (lambda world: {}), body=body, ok=ok, note=note)


ONE = "/api/v1/interventions/{intervention_id}"
REQUEST = "/api/v1/lending-requests/{request_id}"

API_ROWS = [
    # Interventions: the provider's own list, and a case's through its need-to-know.
    read("GET /api/v1/interventions", WORKERS, note="roles that work on cases or mentor; their own only"),
    read("GET /api/v1/interventions", TEAM, listing(CASE_QUERY, pages.case), query=CASE_QUERY, note="a case's"),
    read("GET /api/v1/interventions", OTTO, listing(OUTSIDE_QUERY, pages.outside_case), query=OUTSIDE_QUERY,
         note="a case outside carl's and mads' need-to-know"),
    write("POST /api/v1/interventions", TEAM, starting(pages.case, "mads"), the_body, CREATED),
    write("POST /api/v1/interventions", OTTO, starting(pages.outside_case, "otto"), the_body, CREATED,
          note="outside the need-to-know"),
    write("POST /api/v1/advice-consultations", WORKERS, None, fixed(ADVICE), CREATED,
          note="anonymous: no case, no person"),
    read(f"GET {ONE}", TEAM, intervention(pages.intervention)),
    read(f"GET {ONE}", OTTO, intervention(pages.outside_intervention), note="outside the need-to-know"),
    read(f"GET {ONE}", TEAM, intervention(pages.advice),
         note="an anonymous advice consultation: Aarhus's case workers and mentors"),
    read(f"GET {ONE}", LENT, intervention(pages.lent_intervention),
         note="otto, lent by Randers, reaches the one case he is lent to"),
    read(f"GET {ONE}", TEAM, intervention(pages.ended_lent_intervention),
         note="and no longer once the lending has ended"),
    write(f"POST {ONE}/goals", TEAM, intervention(pages.intervention), fixed(GOAL), CREATED),
    write(f"POST {ONE}/goals", OTTO, intervention(pages.outside_intervention), fixed(GOAL), CREATED,
          note="outside the need-to-know"),
    write(f"PATCH {ONE}/goals/{{goal_id}}", TEAM, goal(pages.goal), fixed(GOAL_CHANGE)),
    write(f"PATCH {ONE}/goals/{{goal_id}}", OTTO, goal(pages.outside_goal), fixed(GOAL_CHANGE),
          note="outside the need-to-know"),
    read(f"GET {ONE}/sessions", TEAM, intervention(pages.intervention)),
    read(f"GET {ONE}/sessions", OTTO, intervention(pages.outside_intervention), note="outside the need-to-know"),
    write(f"POST {ONE}/sessions", TEAM, intervention(pages.intervention), fixed(SESSION), CREATED),
    write(f"POST {ONE}/sessions", LENT, intervention(pages.lent_intervention), fixed(SESSION), CREATED,
          note="the lent mentor logs his hours"),
    write(f"POST {ONE}/sessions", OTTO, intervention(pages.outside_intervention), fixed(SESSION), CREATED,
          note="outside the need-to-know"),
    write(f"POST {ONE}/end", TEAM, intervention(pages.intervention), fixed(END)),
    write(f"POST {ONE}/end", OTTO, intervention(pages.outside_intervention), fixed(END),
          note="outside the need-to-know"),

    # Lending between municipalities.
    read("GET /api/v1/lending-requests", LENDING_ROLES, query={"side": "borrowing"},
         note="each sees their own municipality's requests"),
    read("GET /api/v1/lending-requests", LENDING_ROLES, query={"side": "lending"}),
    read("GET /api/v1/lending-hours", LENDING_ROLES, query=HOURS, note="aggregates only"),
    write("POST /api/v1/lending-requests", BORROWER, borrowing(pages.case, "Randers"), the_body, CREATED,
          note="the case lead of the borrowing municipality"),
    write("POST /api/v1/lending-requests", RITA, borrowing(pages.rita_case, "Aarhus"), the_body, CREATED,
          note="rita borrows for a Randers case"),
    read(f"GET {REQUEST}", BOTH_SIDES, lending(pages.sent),
         note="borrowing side carl (Aarhus), lending side rita (Randers); not morten (national centre)"),
    read(f"GET {REQUEST}", BOTH_SIDES, lending(pages.accepted)),
    write(f"POST {REQUEST}/answer", LENDER, offering, the_body, note="the lending side offers a mentor"),
    write(f"POST {REQUEST}/answer", LENDER, lending(pages.sent), fixed(DECLINE), note="or declines"),
    write(f"POST {REQUEST}/answer", BORROWER, lending(pages.sent), fixed(WITHDRAW),
          note="the borrowing side withdraws"),
    write(f"POST {REQUEST}/answer", BORROWER, lending(pages.offered), fixed(ACCEPT), note="or accepts an offer"),
    write(f"POST {REQUEST}/end", BOTH_SIDES, lending(pages.accepted), fixed(END_LENDING),
          note="either side ends it; everyone else stands outside both sides and gets 404 (one row is enough)"),
]
