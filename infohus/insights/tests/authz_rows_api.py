"""Authorisation-matrix rows of the statistics operations of the desk's API (insights/api.py):
only those who may analyse (anders) call them; every other person gets 403. The tables are
aggregates of the whole country or an area, not anyone's record, so there is no object inside or
outside a person's reach and no need-to-know row."""

from tests.authz import ApiRow, allowed

ANALYST = allowed("anders")

API_ROWS: list[ApiRow] = [
    ApiRow("GET /api/v1/statistics", ANALYST, ok=frozenset({200}), note="every table of the last twelve months"),
    ApiRow("GET /api/v1/statistics/{table}", ANALYST, kwargs=lambda world: {"table": "decisions"},
           ok=frozenset({200}), note="one table"),
]
