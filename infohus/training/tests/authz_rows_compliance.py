"""Authorisation-matrix rows of the requirement and compliance pages, and of one's own training.

Requirements and their compliance are kept by the trainers of the keeping organisation: tina, the
national centre's trainer, opens the centre's requirement and not one kept by Aarhus (404 for her,
403 for everyone without the capability to train). Each row builds its own requirement, so a POST
by one person does not change what the next one finds (every edit starts from version 1).
One's own training is open to every signed-in person.
"""

from typing import Any

from infohus.accounts.models import Organisation
from infohus.accounts.roles import Role
from infohus.training.models import CourseKind
from infohus.training.tests.factories import make_requirement
from tests.authz import EVERYONE, Row, allowed

TRAINER = allowed("tina")
NOBODY: frozenset[str] = frozenset()
PAGE = frozenset({200})
DONE = frozenset({302})

REQUIREMENT = {"name": "Ressourcepersoner", "description": "", "role": Role.RESOURCE_PERSON,
               "organisation_kind": Organisation.Kind.PRISON_PROBATION, "minimum_per_organisation": "1",
               "satisfied_by": [CourseKind.RESOURCE_PERSON, CourseKind.RESOURCE_PERSON_FOLLOW_UP],
               "interval_months": "6", "remind_days_before": "30"}
EDIT = {**REQUIREMENT, "interval_months": "12", "is_active": "on", "version": "1"}


def centre_requirement(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_requirement(created_by=world["people"]["tina"]).pk}


def aarhus_requirement(world: dict[str, Any]) -> dict[str, Any]:
    """A requirement kept by Aarhus municipality (which has no trainer among the named people)."""
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    return {"pk": make_requirement(created_by=world["people"]["carl"], organisation=aarhus,
                                   name="Mentorer i Aarhus", role=Role.MENTOR,
                                   organisation_kind=Organisation.Kind.MUNICIPALITY,
                                   satisfied_by=[CourseKind.MENTOR_METHOD], interval_months=24).pk}


def page(route: str, who: frozenset[str] | str, kwargs: Any = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=PAGE, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any], note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), method="POST", data=data, ok=DONE, note=note)


ROWS: list[Row] = [
    page("training:requirement_list", TRAINER, note="the requirements of the trainer's organisations"),
    page("training:requirement_new", TRAINER),
    write("training:requirement_new", TRAINER, None, REQUIREMENT, note="kept by the trainer's active organisation"),
    page("training:compliance", TRAINER, centre_requirement),
    page("training:compliance", NOBODY, aarhus_requirement, note="kept by Aarhus: 404 for tina"),
    page("training:requirement_edit", TRAINER, centre_requirement),
    page("training:requirement_edit", NOBODY, aarhus_requirement),
    write("training:requirement_edit", TRAINER, centre_requirement, EDIT),
    write("training:requirement_edit", NOBODY, aarhus_requirement, EDIT, note="a forged POST"),
    page("training:my_training", EVERYONE, note="one's own enrolments and requirements only"),
]
