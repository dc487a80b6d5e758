"""Authorisation-matrix rows of the subject access pages. Only the data protection officer (dina)
may search, see what is held about a person and export it; everyone else gets 403 (the analyst
and the administrator included). A person who does not exist answers 404 even to her. Each row
makes its own person, so one person's export does not change what the next one finds."""

from typing import Any

from infohus.cases.models import Person
from infohus.cases.tests.factories import make_person
from tests.authz import Row, allowed

DPO = allowed("dina")
NOBODY: frozenset[str] = frozenset()
PAGE = frozenset({200})


def person(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_person("Sara", "Adgang").pk}


def missing_person(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000}


ROWS = [
    Row("privacy:subject_access", DPO, ok=PAGE),
    Row("privacy:subject_access", DPO, method="POST", data={"reference": "K-0000-0000"}, ok=PAGE,
        note="the search"),
    Row("privacy:subject_access_person", DPO, kwargs=person, ok=PAGE),
    Row("privacy:subject_access_person", DPO, kwargs=person, method="POST",
        data={"compartments": ["general"], "format": "json"}, ok=PAGE, note="the export"),
    Row("privacy:subject_access_person", NOBODY, kwargs=missing_person, note="no such person: 404"),
    Row("privacy:subject_access_person", NOBODY, kwargs=missing_person, method="POST",
        data={"compartments": ["general"], "format": "pdf"}, note="no such person: 404"),
]
