"""Authorisation-matrix rows of the records of processing: the page and its CSV describe the
platform, not anyone in it, so every signed-in person opens them; anonymous visitors sign in first."""

from tests.authz import EVERYONE, Row

PAGE = frozenset({200})

ROWS: list[Row] = [
    Row("privacy:processing", EVERYONE, ok=PAGE, note="no personal data: the platform's own record"),
    Row("privacy:processing_csv", EVERYONE, ok=PAGE),
]
