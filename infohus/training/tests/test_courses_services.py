"""The catalogue's services: a course is kept by the trainers of its organisation, checked at its
fields, and changed optimistically (a stale save changes nothing)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.core.concurrency import StaleEdit
from infohus.training.models import Course, CourseKind, UnitKind
from infohus.training.services import courses as services
from infohus.training.tests.factories import make_course, make_run

pytestmark = pytest.mark.django_db
People = dict[str, User]


def _data(**fields: object) -> services.CourseData:
    values: dict[str, object] = {"kind": CourseKind.PSP, "title": "PSP-kursus", "units": 2, "unit_kind": UnitKind.DAY}
    values.update(fields)
    return services.CourseData(**values)  # type: ignore[arg-type]


def _centre() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.NATIONAL_CENTRE)


def test_a_course_is_created_for_an_organisation_the_trainer_trains_for(people: People) -> None:
    course = services.create_course(actor=people["tina"], organisation=_centre(), data=_data(title="  PSP  "))
    assert course.title == "PSP" and course.created_by == people["tina"] and course.version == 1
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    with pytest.raises(PermissionDenied):
        services.create_course(actor=people["tina"], organisation=aarhus, data=_data())
    with pytest.raises(PermissionDenied):
        services.create_course(actor=people["kamal"], organisation=aarhus, data=_data())
    assert Course.objects.count() == 1


def test_bad_courses_are_refused_at_the_field(people: People) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_course(actor=people["tina"], organisation=_centre(),
                               data=_data(title="", kind="juggling", units=31, unit_kind="week"))
    assert raised.value.message_dict == {
        "title": ["Give the course a title."], "kind": ["Choose a kind of course from the list."],
        "units": ["Give from 1 to 30 days, blocks or sessions."],
        "unit_kind": ["Choose whether attendance is taken per day, block or session."]}
    assert not Course.objects.exists()


def test_every_kind_has_defaults_that_the_rules_accept(people: People) -> None:
    for kind, defaults in services.KIND_DEFAULTS.items():
        services.create_course(actor=people["tina"], organisation=_centre(), data=_data(
            kind=kind, title=str(kind), units=defaults.units, unit_kind=defaults.unit_kind,
            duration=str(defaults.duration)))
    method = Course.objects.get(kind=CourseKind.MENTOR_METHOD)
    assert (method.units, method.unit_kind) == (3, UnitKind.BLOCK)
    assert Course.objects.get(kind=CourseKind.AWARENESS).unit_kind == UnitKind.SESSION


def test_an_update_needs_the_version_seen(people: People) -> None:
    tina = people["tina"]
    course = make_course(created_by=tina)
    services.update_course(actor=tina, course=course, expected_version=1, data=_data(title="Ny titel"))
    with pytest.raises(StaleEdit) as stale:
        services.update_course(actor=tina, course=course, expected_version=1, data=_data(title="Gammel"))
    assert stale.value.current.title == "Ny titel"
    course.refresh_from_db()
    assert (course.title, course.version) == ("Ny titel", 2)
    # Saving without a change writes nothing, not even an audit row.
    services.update_course(actor=tina, course=course, expected_version=2, data=_data(title="Ny titel"))
    course.refresh_from_db()
    assert course.version == 2 and AuditEvent.objects.filter(action="training.course_updated").count() == 1


def test_what_attendance_is_taken_for_stays_once_there_are_runs(people: People) -> None:
    tina = people["tina"]
    course = make_course(units=2, created_by=tina)
    make_run(course)
    with pytest.raises(ValidationError) as raised:
        services.update_course(actor=tina, course=course, expected_version=1,
                               data=_data(units=3, unit_kind=UnitKind.BLOCK))
    assert set(raised.value.message_dict) == {"units", "unit_kind"}
    services.update_course(actor=tina, course=course, expected_version=1, data=_data(description="Ny tekst"))
    course.refresh_from_db()
    assert course.description == "Ny tekst" and course.units == 2
