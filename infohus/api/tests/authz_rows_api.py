"""API authorisation-matrix rows of the API's own operations (see tests/test_api_authorisation_matrix.py)."""

from tests.authz import EVERYONE, ApiRow

API_ROWS = [
    # Any valid token may ask whom it acts as, whatever its scopes and its person's role.
    ApiRow("GET /api/v1/me", EVERYONE, ok=frozenset({200})),
]
