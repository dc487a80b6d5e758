"""Authorisation-matrix rows of the catalogue and run pages (views_courses.py, views_runs.py). Each
row builds its own objects (kwargs is called once per person), so a POST by one person does not
change what the next one finds.

Inside: a course of the national centre, kept by its trainer tina. Outside: a course of Aarhus,
which has no trainer among the named people, so nobody may open it. A certificate is opened by the
run's trainers and by the participant themself: rikke's own completed enrolment on a centre course
(tina and rikke), and on an Aarhus course (rikke only).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation
from infohus.training.models import CourseKind, CourseRun, Enrolment
from infohus.training.tests.factories import attend, make_course, make_enrolment, make_run
from tests.authz import Row, allowed

TRAINER = allowed("tina")
RIKKE = allowed("rikke")
TRAINER_AND_PARTICIPANT = allowed("tina", "rikke")
NOBODY: frozenset[str] = frozenset()
TODAY = timezone.localdate()


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def _run(world: dict[str, Any], *, outside: bool = False, days_ago: int = 30, **fields: Any) -> CourseRun:
    people = world["people"]
    course = make_course(organisation=_aarhus() if outside else None, kind=CourseKind.RESOURCE_PERSON, units=2,
                         created_by=people["tina"])
    trainers = () if outside else (people["tina"],)
    return make_run(course, starts_on=TODAY - timedelta(days=days_ago), trainers=trainers, **fields)


def course(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_course(created_by=world["people"]["tina"]).pk}


def outside_course(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": make_course(organisation=_aarhus(), created_by=world["people"]["tina"]).pk}


def run(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run(world).pk}


def outside_run(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run(world, outside=True).pk}


def _with_enrolment(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    r = _run(world, outside=outside)
    return {"pk": r.pk, "enrolment_pk": make_enrolment(r, world["people"]["rikke"]).pk}


def enrolment(world: dict[str, Any]) -> dict[str, Any]:
    return _with_enrolment(world)


def outside_enrolment(world: dict[str, Any]) -> dict[str, Any]:
    return _with_enrolment(world, outside=True)


def _completed(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    r = _run(world, outside=outside, status=CourseRun.Status.HELD)
    e = make_enrolment(r, world["people"]["rikke"])
    attend(e)
    Enrolment.objects.filter(pk=e.pk).update(completed_on=r.ends_on, certificate_number=f"IH-TEST-{e.pk:06d}")
    return {"pk": r.pk, "enrolment_pk": e.pk}


def rikkes_certificate(world: dict[str, Any]) -> dict[str, Any]:
    return _completed(world)


def rikkes_certificate_outside(world: dict[str, Any]) -> dict[str, Any]:
    return _completed(world, outside=True)


def someone_elses_certificate_outside(world: dict[str, Any]) -> dict[str, Any]:
    r = _run(world, outside=True, status=CourseRun.Status.HELD)
    e = make_enrolment(r, name="Ekstern Deltager", completed_on=r.ends_on)
    Enrolment.objects.filter(pk=e.pk).update(certificate_number=f"IH-TEST-{e.pk:06d}")
    return {"pk": r.pk, "enrolment_pk": e.pk}


# --- form data -----------------------------------------------------------------------------------------

COURSE: dict[str, Any] = {"kind": CourseKind.PSP, "title": "PSP-kursus for nøglepersoner", "units": "2",
                          "unit_kind": "day", "duration": "2 dage", "is_active": "on"}


def course_to_add(world: dict[str, Any]) -> dict[str, Any]:
    COURSE["organisation"] = Organisation.objects.get(kind=Organisation.Kind.NATIONAL_CENTRE).pk
    return {}


EDIT = {**COURSE, "title": "PSP-kursus (ny udgave)", "version": "1"}
START = TODAY + timedelta(days=40)
RUN: dict[str, Any] = {"starts_on": str(START), "ends_on": str(START + timedelta(days=1)), "place": "Aarhus",
                       "capacity": "20", "cost": "12000", "cost_note": "Lokale og forplejning"}


def run_to_edit(world: dict[str, Any]) -> dict[str, Any]:
    r = _run(world, days_ago=-40)
    RUN_EDIT.update(starts_on=str(r.starts_on), ends_on=str(r.ends_on), unit_1=str(r.starts_on),
                    unit_2=str(r.ends_on))
    return {"pk": r.pk}


def outside_run_to_edit(world: dict[str, Any]) -> dict[str, Any]:
    r = _run(world, outside=True, days_ago=-40)
    RUN_EDIT.update(starts_on=str(r.starts_on), ends_on=str(r.ends_on), unit_1=str(r.starts_on),
                    unit_2=str(r.ends_on))
    return {"pk": r.pk}


RUN_EDIT: dict[str, Any] = {"place": "Odense", "capacity": "25", "cost": "15000", "status": "planned", "version": "1"}
ENROL = {"who": "user", "user-participant": "rikke"}
ATTENDANCE: dict[str, Any] = {}


def _sheet(world: dict[str, Any], *, outside: bool = False) -> dict[str, Any]:
    r = _run(world, outside=outside)
    e = make_enrolment(r, world["people"]["rikke"])
    ATTENDANCE.clear()
    ATTENDANCE.update(enrolment=[str(e.pk)], present=[f"{e.pk}:{u.pk}" for u in r.units.all()])
    return {"pk": r.pk}


def sheet(world: dict[str, Any]) -> dict[str, Any]:
    return _sheet(world)


def outside_sheet(world: dict[str, Any]) -> dict[str, Any]:
    return _sheet(world, outside=True)


# A page opens (200); a write is done and redirects (302: a form sent back with errors is 400).
PAGE = frozenset({200})
DONE = frozenset({302})


def page(route: str, who: frozenset[str], kwargs: Any = None, note: str = "", ok: frozenset[int] = PAGE) -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), ok=ok, note=note)


def write(route: str, who: frozenset[str], kwargs: Any, data: dict[str, Any] | None = None, note: str = "") -> Row:
    return Row(route, who, kwargs=kwargs or (lambda world: {}), method="POST",
               data=data if data is not None else {}, ok=DONE, note=note)


ROWS = [
    # The catalogue (views_courses.py): the trainers of the organisation that keeps a course.
    page("training:course_list", TRAINER, note="each trainer sees their own organisations' courses"),
    page("training:course_new", TRAINER),
    write("training:course_new", TRAINER, course_to_add, COURSE),
    page("training:course_detail", TRAINER, course),
    page("training:course_detail", NOBODY, outside_course, note="a course of Aarhus: no named trainer there"),
    page("training:course_edit", TRAINER, course),
    page("training:course_edit", NOBODY, outside_course),
    write("training:course_edit", TRAINER, course, EDIT),
    write("training:course_edit", NOBODY, outside_course, EDIT, note="a forged POST"),

    # Runs (views_runs.py).
    page("training:run_list", TRAINER),
    page("training:run_new", TRAINER, course),
    page("training:run_new", NOBODY, outside_course),
    write("training:run_new", TRAINER, course, RUN),
    write("training:run_new", NOBODY, outside_course, RUN, note="a forged POST"),
    page("training:run_detail", TRAINER, run),
    page("training:run_detail", NOBODY, outside_run),
    page("training:run_edit", TRAINER, run),
    page("training:run_edit", NOBODY, outside_run),
    write("training:run_edit", TRAINER, run_to_edit, RUN_EDIT),
    write("training:run_edit", NOBODY, outside_run_to_edit, RUN_EDIT, note="a forged POST"),
    page("training:enrol", TRAINER, run),
    page("training:enrol", NOBODY, outside_run),
    write("training:enrol", TRAINER, run, ENROL),
    write("training:enrol", NOBODY, outside_run, ENROL, note="a forged POST"),
    write("training:withdraw", TRAINER, enrolment),
    write("training:withdraw", NOBODY, outside_enrolment, note="a forged POST"),
    page("training:attendance", TRAINER, run),
    page("training:attendance", NOBODY, outside_run),
    write("training:attendance", TRAINER, sheet, ATTENDANCE),
    write("training:attendance", NOBODY, outside_sheet, ATTENDANCE, note="a forged POST"),
    write("training:complete", TRAINER, run),
    write("training:complete", NOBODY, outside_run, note="a forged POST"),
    page("training:certificate", TRAINER_AND_PARTICIPANT, rikkes_certificate,
         note="the run's trainer, and the participant their own"),
    page("training:certificate", RIKKE, rikkes_certificate_outside,
         note="the participant's own certificate of a run of another organisation"),
    page("training:certificate", NOBODY, someone_elses_certificate_outside),
]
