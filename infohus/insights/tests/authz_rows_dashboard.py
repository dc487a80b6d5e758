"""Authorisation-matrix rows of the analyst's dashboard and its downloads: only those who may
analyse (anders) open them; every other signed-in person gets 403, an anonymous visitor is sent
to sign in. The dashboard holds no object of anyone's, so there is no need-to-know row."""

from tests.authz import Row, allowed

ANALYST = allowed("anders")
PAGE = frozenset({200})

ROWS: list[Row] = [
    Row("insights:dashboard", ANALYST, ok=PAGE, note="aggregates only, suppressed"),
    Row("insights:dashboard_export", ANALYST, ok=PAGE, note="every table as XLSX for the last twelve months"),
]
