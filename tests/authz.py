"""The authorisation matrix: for every URL of the project, which roles may open it.

Each app lists its rows in `infohus/<app>/tests/authz_rows.py` as ROWS, a list of Row. The
test in tests/test_authorisation_matrix.py finds every URL pattern from the URLconf and fails
when one has no row, then checks each row for every named person.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
EVERYONE = "everyone"   # every signed-in person
PUBLIC = "public"       # anonymous visitors as well


@dataclass(frozen=True)
class Row:
    """One URL pattern and who may open it.

    route: the pattern's name ("app:name") or, for unnamed patterns, its route text.
    allowed: user names (from people.py), or EVERYONE / PUBLIC.
    kwargs: a function of the fixture world giving the URL's arguments (for need-to-know rows,
        the object inside or outside each person's reach).
    method: GET or POST; data: form data for POST.
    ok: status codes that count as allowed; refused ones are 302 to sign-in (anonymous),
        403 or 404.
    """

    route: str
    allowed: frozenset[str] | str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda world: {})
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    ok: frozenset[int] = frozenset({200, 302})
    note: str = ""
    # A route ending in ":*" covers every route of that namespace; `sample` is the one tested.
    sample: str = ""


def allowed(*usernames: str) -> frozenset[str]:
    return frozenset(usernames)


@dataclass(frozen=True)
class ApiRow:
    """One operation of the desk's JSON API and who may call it, with a token that carries every
    scope and acts in the person's default membership (the one their pages act in).

    operation: "METHOD /api/v1/path/{param}", exactly as in the OpenAPI document.
    allowed: user names (from people.py) or EVERYONE; anonymous calls are always refused (401).
    kwargs: a function of the fixture world giving the path's parameters (for need-to-know rows,
        the object inside or outside each person's reach; called once per person).
    body: a function of the fixture world giving the JSON body of a write (called once per person).
    query: query-string parameters.
    ok: status codes that count as allowed; refused ones are 403 or 404.
    """

    operation: str
    allowed: frozenset[str] | str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda world: {})
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    query: dict[str, Any] = field(default_factory=dict)
    ok: frozenset[int] = frozenset({200, 201})
    note: str = ""
