"""Authorisation-matrix rows of the training operations of the desk's API (api_courses.py,
api_runs.py, api_compliance.py), built like the page rows beside them: each row builds its own
objects (kwargs and body are called once per person).

Inside: a course, run or requirement of the national centre, kept by its trainer tina. Outside:
the same of Aarhus, which has no trainer among the named people, so nobody may open it (tina gets
404, everyone else 403, as on the pages). One's own training is open to everyone.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.training.models import CourseKind, CourseRun
from infohus.training.tests.factories import make_course, make_enrolment, make_requirement, make_run
from tests.authz import EVERYONE, ApiRow, allowed

TRAINER = allowed("tina")
NOBODY: frozenset[str] = frozenset()
TODAY = timezone.localdate()
API = "/api/v1/training"


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def _course(world: dict[str, Any], *, outside: bool = False) -> Any:
    return make_course(organisation=_aarhus() if outside else None, kind=CourseKind.RESOURCE_PERSON, units=2,
                       created_by=world["people"]["tina"])


def _run(world: dict[str, Any], *, outside: bool = False, days_ago: int = 30, **fields: Any) -> CourseRun:
    trainers = () if outside else (world["people"]["tina"],)
    return make_run(_course(world, outside=outside), starts_on=TODAY - timedelta(days=days_ago), trainers=trainers,
                    **fields)


def course(world: dict[str, Any]) -> dict[str, Any]:
    return {"course_id": _course(world).pk}


def outside_course(world: dict[str, Any]) -> dict[str, Any]:
    return {"course_id": _course(world, outside=True).pk}


def run(world: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": _run(world).pk}


def outside_run(world: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": _run(world, outside=True).pk}


def future_run(world: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": _run(world, days_ago=-40).pk}


def outside_future_run(world: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": _run(world, outside=True, days_ago=-40).pk}


def _enrolment(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    r = _run(world, outside=outside)
    return {"run_id": r.pk, "enrolment_id": make_enrolment(r, world["people"]["rikke"]).pk}


def enrolment(world: dict[str, Any]) -> dict[str, Any]:
    return _enrolment(world)


def outside_enrolment(world: dict[str, Any]) -> dict[str, Any]:
    return _enrolment(world, outside=True)


def requirement(world: dict[str, Any]) -> dict[str, Any]:
    return {"requirement_id": make_requirement(created_by=world["people"]["tina"]).pk}


def outside_requirement(world: dict[str, Any]) -> dict[str, Any]:
    return {"requirement_id": make_requirement(created_by=world["people"]["tina"], organisation=_aarhus()).pk}


# --- bodies ------------------------------------------------------------------------------------------

COURSE = {"kind": "psp", "title": "PSP-kursus for nøglepersoner", "units": 2, "unit_kind": "day",
          "duration": "2 dage"}
START = TODAY + timedelta(days=40)


def course_body(world: dict[str, Any]) -> dict[str, Any]:
    return dict(COURSE)


def course_edit_body(world: dict[str, Any]) -> dict[str, Any]:
    # The course of the row was made with 2 days of the kind resource_person, version 1.
    return {**COURSE, "kind": "resource_person", "title": "Ressourcepersonkursus (ny udgave)", "version": 1}


def run_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"starts_on": str(START), "ends_on": str(START + timedelta(days=1)), "place": "Aarhus", "capacity": 20,
            "cost": "12000.00", "trainers": ["tina"]}


def run_edit_body(world: dict[str, Any]) -> dict[str, Any]:
    # The run of future_run: 2 days from 40 days ahead, version 1; its day dates stay as they are.
    return {"starts_on": str(START), "ends_on": str(START + timedelta(days=1)), "place": "Odense", "capacity": 25,
            "cost": "15000", "status": "planned", "version": 1}


def enrol_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"participant": "rikke"}


def empty_sheet(world: dict[str, Any]) -> dict[str, Any]:
    return {"sheet": []}


def no_questionnaire(world: dict[str, Any]) -> dict[str, Any]:
    return {"questionnaire": None, "version": 1}


REQUIREMENT = {"name": "Ressourcepersoner", "role": "resource_person", "organisation_kind": "prison_probation",
               "satisfied_by": ["resource_person"], "interval_months": 6}


def requirement_body(world: dict[str, Any]) -> dict[str, Any]:
    return dict(REQUIREMENT)


def requirement_edit_body(world: dict[str, Any]) -> dict[str, Any]:
    return {**REQUIREMENT, "interval_months": 12, "version": 1}


def _row(operation: str, who: frozenset[str] | str, kwargs: Any = None, body: Any = None, note: str = "",
         **extra: Any) -> ApiRow:
    return ApiRow(operation, who, kwargs=kwargs or (lambda world: {}), body=body, note=note, **extra)


API_ROWS: list[ApiRow] = [
    # The catalogue (api_courses.py).
    _row(f"GET {API}/courses", TRAINER, note="each trainer sees their own organisations' courses"),
    _row(f"GET {API}/courses/{{course_id}}", TRAINER, course),
    _row(f"GET {API}/courses/{{course_id}}", NOBODY, outside_course, note="a course of Aarhus: no named trainer"),
    _row(f"POST {API}/courses", TRAINER, body=course_body),
    _row(f"PUT {API}/courses/{{course_id}}", TRAINER, course, course_edit_body),
    _row(f"PUT {API}/courses/{{course_id}}", NOBODY, outside_course, course_edit_body),

    # Runs (api_runs.py).
    _row(f"GET {API}/runs", TRAINER),
    _row(f"GET {API}/runs/{{run_id}}", TRAINER, run),
    _row(f"GET {API}/runs/{{run_id}}", NOBODY, outside_run),
    _row(f"POST {API}/courses/{{course_id}}/runs", TRAINER, course, run_body),
    _row(f"POST {API}/courses/{{course_id}}/runs", NOBODY, outside_course, run_body),
    _row(f"PUT {API}/runs/{{run_id}}", TRAINER, future_run, run_edit_body),
    _row(f"PUT {API}/runs/{{run_id}}", NOBODY, outside_future_run, run_edit_body),
    _row(f"POST {API}/runs/{{run_id}}/enrolments", TRAINER, run, enrol_body),
    _row(f"POST {API}/runs/{{run_id}}/enrolments", NOBODY, outside_run, enrol_body),
    _row(f"POST {API}/runs/{{run_id}}/enrolments/{{enrolment_id}}/withdraw", TRAINER, enrolment),
    _row(f"POST {API}/runs/{{run_id}}/enrolments/{{enrolment_id}}/withdraw", NOBODY, outside_enrolment),
    _row(f"GET {API}/runs/{{run_id}}/attendance", TRAINER, run),
    _row(f"GET {API}/runs/{{run_id}}/attendance", NOBODY, outside_run),
    _row(f"PUT {API}/runs/{{run_id}}/attendance", TRAINER, run, empty_sheet),
    _row(f"PUT {API}/runs/{{run_id}}/attendance", NOBODY, outside_run, empty_sheet),
    _row(f"POST {API}/runs/{{run_id}}/complete", TRAINER, run),
    _row(f"POST {API}/runs/{{run_id}}/complete", NOBODY, outside_run),
    _row(f"PUT {API}/runs/{{run_id}}/questionnaire", TRAINER, run, no_questionnaire),
    _row(f"PUT {API}/runs/{{run_id}}/questionnaire", NOBODY, outside_run, no_questionnaire),
    _row(f"GET {API}/runs/{{run_id}}/evaluation", TRAINER, run),
    _row(f"GET {API}/runs/{{run_id}}/evaluation", NOBODY, outside_run),

    # Requirements, compliance, one's own training, costs (api_compliance.py).
    _row(f"GET {API}/requirements", TRAINER),
    _row(f"POST {API}/requirements", TRAINER, body=requirement_body),
    _row(f"PUT {API}/requirements/{{requirement_id}}", TRAINER, requirement, requirement_edit_body),
    _row(f"PUT {API}/requirements/{{requirement_id}}", NOBODY, outside_requirement, requirement_edit_body,
         note="a requirement kept by Aarhus"),
    _row(f"GET {API}/compliance/{{requirement_id}}", TRAINER, requirement),
    _row(f"GET {API}/compliance/{{requirement_id}}", NOBODY, outside_requirement),
    _row(f"GET {API}/mine", EVERYONE, note="each person's own enrolments and requirements only"),
    _row(f"GET {API}/costs", TRAINER, note="counts of the trainer's organisations' runs"),
]
