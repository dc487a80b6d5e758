"""The run pages in the browser: the list of runs, planning and changing a run, the run page with
its places, attendance and links, enrolment and withdrawal, the attendance sheet, completion and
the certificate. Refused input comes back with a 400 and the message; nothing is saved and nothing
typed is lost. Query counts are pinned and do not grow with the number of runs or participants."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.training import pdf
from infohus.training.models import Attendance, CourseKind, CourseRun, Enrolment, UnitKind
from infohus.training.tests.factories import attend, make_course, make_enrolment, make_run

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
People = dict[str, User]
TODAY = timezone.localdate()

# The request itself (session, user, second factor, memberships: 4; the session saved at the end:
# 3), the upcoming runs, the count and page of past runs (3) and the trainers of each list (2).
LIST_QUERIES = 12
# The request (4 + 3), the run and its audited read (1 + 4, and PostgreSQL's advisory lock: 1), its
# units, trainers, enrolments and attendance (4), and room for the effect summary (2).
DETAIL_QUERIES = 19
# The request (4 + 3), the run and its audited read (1 + 4 + 1), units, trainers, enrolments and
# attendance (4).
SHEET_QUERIES = 17


def url(name: str, *args: Any) -> str:
    return reverse(f"training:{name}", args=args)


def page_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.content[:3000]
    return str(response.content.decode())


def _run(people: People, *, days: int = -20, units: int = 2, **fields: Any) -> CourseRun:
    course = make_course(title="Ressourcepersonkursus", kind=CourseKind.RESOURCE_PERSON, units=units,
                         created_by=people["tina"])
    return make_run(course, starts_on=TODAY + timedelta(days=days), trainers=(people["tina"],), **fields)


# --- the list ------------------------------------------------------------------------------------------

def test_runs_are_listed_upcoming_soonest_first_then_past_latest_first(signed_in: ClientFor, people: People) -> None:
    for days in (30, -100, 5, -10):
        _run(people, days=days, place=f"Sted {days}")
    page = page_of(signed_in("tina").get(url("run_list")))
    upcoming, past = page.split('data-testid="past-runs"')
    assert upcoming.index("Sted 5") < upcoming.index("Sted 30") and "Sted -10" not in upcoming
    assert past.index("Sted -10") < past.index("Sted -100")
    assert "Tina Lund" in upcoming


def test_the_list_of_runs_costs_the_same_with_many(signed_in: ClientFor, people: People,
                                                   django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    _run(people)
    with django_assert_max_num_queries(LIST_QUERIES):
        page_of(client.get(url("run_list")))
    for n in range(12):
        run = _run(people, days=n * 10 - 60)
        make_enrolment(run, name=f"Deltager {n}")
    with django_assert_max_num_queries(LIST_QUERIES):
        page = page_of(client.get(url("run_list")))
    assert page.count('data-testid="run-row"') == 13


# --- planning a run ---------------------------------------------------------------------------------------

def test_a_run_is_planned_with_default_days(signed_in: ClientFor, people: People) -> None:
    course = make_course(units=2, created_by=people["tina"])
    client = signed_in("tina")
    form = page_of(client.get(url("run_new", course.pk)))
    assert "Tina Lund (tina)" in form and 'name="unit_2"' in form
    start = TODAY + timedelta(days=30)
    response = client.post(url("run_new", course.pk), {
        "starts_on": str(start), "ends_on": str(start + timedelta(days=1)), "place": "Aarhus", "capacity": "20",
        "cost": "24000", "cost_note": "Lokale og forplejning", "trainers": [str(people["tina"].pk)]})
    run = CourseRun.objects.get()
    assert response.status_code == 302 and response["Location"] == url("run_detail", run.pk)
    assert list(run.units.values_list("held_on", flat=True)) == [start, start + timedelta(days=1)]
    assert list(run.trainers.all()) == [people["tina"]]


def test_a_bad_run_is_refused_at_its_fields_with_everything_kept(signed_in: ClientFor, people: People) -> None:
    course = make_course(units=2, created_by=people["tina"])
    start = TODAY + timedelta(days=30)
    page = page_of(signed_in("tina").post(url("run_new", course.pk), {
        "starts_on": str(start), "ends_on": str(start - timedelta(days=1)), "place": "Vejle", "capacity": "0",
        "cost": "-100", "cost_note": "Forplejning"}), 400)
    assert f"The run cannot end before it starts ({start.isoformat()})." in page
    assert "Give at least 1 place." in page and "The cost cannot be negative." in page
    assert 'value="Vejle"' in page and 'value="Forplejning"' in page and 'value="-100"' in page
    assert not CourseRun.objects.exists()


def test_some_but_not_all_unit_dates_are_refused(signed_in: ClientFor, people: People) -> None:
    course = make_course(units=3, unit_kind=UnitKind.BLOCK, created_by=people["tina"])
    start = TODAY + timedelta(days=30)
    page = page_of(signed_in("tina").post(url("run_new", course.pk), {
        "starts_on": str(start), "ends_on": str(start + timedelta(days=30)), "capacity": "12", "cost": "0",
        "unit_1": str(start), "unit_3": str(start + timedelta(days=40))}), 400)
    assert "Block 2: Give a date here too, or leave all the dates empty for the defaults." in page
    assert not CourseRun.objects.exists()


def test_a_unit_date_outside_the_run_is_refused_at_it(signed_in: ClientFor, people: People) -> None:
    course = make_course(units=2, created_by=people["tina"])
    start = TODAY + timedelta(days=30)
    late = start + timedelta(days=9)
    page = page_of(signed_in("tina").post(url("run_new", course.pk), {
        "starts_on": str(start), "ends_on": str(start + timedelta(days=1)), "capacity": "12", "cost": "0",
        "unit_1": str(start), "unit_2": str(late)}), 400)
    assert f"Day 2: Day 2 ({late.isoformat()}) is outside the run" in page
    assert not CourseRun.objects.exists()


def test_a_stale_run_edit_answers_409(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=20)
    client = signed_in("tina")
    data = {"starts_on": str(run.starts_on), "ends_on": str(run.ends_on), "capacity": "20", "cost": "0",
            "status": "planned", "version": "1", "trainers": [str(people["tina"].pk)],
            "unit_1": str(run.starts_on), "unit_2": str(run.ends_on)}
    assert client.post(url("run_edit", run.pk), {**data, "place": "Odense"}).status_code == 302
    page = page_of(client.post(url("run_edit", run.pk), {**data, "place": "Vejle"}), 409)
    assert 'data-testid="stale-edit"' in page and 'value="Vejle"' in page
    run.refresh_from_db()
    assert run.place == "Odense" and run.version == 2


# --- the run page ----------------------------------------------------------------------------------------------

def test_the_run_page_shows_places_attendance_and_the_evaluation_links(signed_in: ClientFor, people: People) -> None:
    run = _run(people, capacity=3, cost=18000)
    a, b = make_enrolment(run, people["rikke"]), make_enrolment(run, name="Lone Vestergaard")
    make_enrolment(run, name="Trukket", status=Enrolment.Status.WITHDRAWN)
    attend(a)
    attend(b, units=[1])
    attend(b, present=False, units=[2])
    page = page_of(signed_in("tina").get(url("run_detail", run.pk)))
    assert "2 of 3 places taken" in page
    assert "2 of 2 present" in page and "1 of 2 present" in page
    assert "DKK 18,000.00" in page
    assert url("questionnaire_choose", run.pk) in page and url("run_evaluation", run.pk) in page
    assert "Trukket" in page.split('data-testid="withdrawn"')[1]
    assert AuditEvent.objects.filter(action="training.run_viewed", object_id=str(run.pk)).exists()


def test_a_run_of_another_organisation_is_not_found_and_the_refusal_audited(signed_in: ClientFor,
                                                                           people: People) -> None:
    from infohus.accounts.models import Organisation

    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    run = make_run(make_course(organisation=aarhus, created_by=people["tina"]))
    assert signed_in("tina").get(url("run_detail", run.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="training.run_refused", object_id=str(run.pk)).exists()


def test_the_run_page_costs_the_same_with_many_participants(signed_in: ClientFor, people: People,
                                                            django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    run = _run(people, capacity=40)
    attend(make_enrolment(run, people["rikke"]))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page_of(client.get(url("run_detail", run.pk)))
    for n in range(25):
        e = make_enrolment(run, name=f"Deltager {n:02d}")
        attend(e, units=[1])
    run.trainers.add(people["tina"])
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page = page_of(client.get(url("run_detail", run.pk)))
    assert page.count('data-testid="participant"') == 26


# --- enrolment -----------------------------------------------------------------------------------------------

def test_a_trainer_enrols_a_user_and_an_external_participant(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=10)
    client = signed_in("tina")
    response = client.post(url("enrol", run.pk), {"who": "user", "user-participant": "rikke"})
    assert response.status_code == 302 and response["Location"].endswith("#participants")
    response = client.post(url("enrol", run.pk), {
        "who": "external", "external-name": "Lone Vestergaard", "external-organisation_name": "Kriminalforsorgen Nord",
        "external-organisation_kind": "prison_probation", "external-email": ""})
    assert response.status_code == 302
    assert set(run.enrolments.values_list("name", "user")) == {("Rikke Fenger", people["rikke"].pk),
                                                               ("Lone Vestergaard", None)}


def test_a_full_run_refuses_with_the_places_in_words_and_keeps_the_input(signed_in: ClientFor,
                                                                         people: People) -> None:
    run = _run(people, days=10, capacity=1)
    make_enrolment(run, name="Første")
    page = page_of(signed_in("tina").post(url("enrol", run.pk), {
        "who": "external", "external-name": "Jonas Kirk", "external-organisation_name": "Foreningen",
        "external-organisation_kind": "ngo"}), 400)
    assert "The run is full: 1 of 1 places are taken." in page and 'value="Jonas Kirk"' in page
    assert run.enrolments.count() == 1


def test_enrolling_someone_twice_is_refused_at_the_field(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=10)
    make_enrolment(run, people["rikke"])
    page = page_of(signed_in("tina").post(url("enrol", run.pk), {"who": "user", "user-participant": "rikke"}), 400)
    assert "Username or e-mail address: Rikke Fenger is already enrolled on this run." in page
    assert run.enrolments.count() == 1


def test_withdrawing_frees_the_place(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=10, capacity=1)
    e = make_enrolment(run, people["rikke"])
    client = signed_in("tina")
    assert 'data-testid="full"' in page_of(client.get(url("run_detail", run.pk)))
    assert client.post(url("withdraw", run.pk, e.pk)).status_code == 302
    e.refresh_from_db()
    assert e.status == Enrolment.Status.WITHDRAWN
    assert "0 of 1 places taken" in page_of(client.get(url("run_detail", run.pk)))
    assert client.get(url("withdraw", run.pk, e.pk)).status_code == 405


def test_an_enrolment_of_another_run_cannot_be_withdrawn_through_this_one(signed_in: ClientFor,
                                                                          people: People) -> None:
    run, other = _run(people, days=10), _run(people, days=10)
    e = make_enrolment(other, name="Andet hold")
    assert signed_in("tina").post(url("withdraw", run.pk, e.pk)).status_code == 404
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ENROLLED


# --- attendance ----------------------------------------------------------------------------------------------

def test_the_sheet_records_attendance(signed_in: ClientFor, people: People) -> None:
    run = _run(people)
    a, b = make_enrolment(run, name="A"), make_enrolment(run, name="B")
    day1, day2 = list(run.units.order_by("number"))
    client = signed_in("tina")
    sheet = page_of(client.get(url("attendance", run.pk)))
    assert f'value="{a.pk}:{day1.pk}"' in sheet and "A present at Day 1" in sheet
    response = client.post(url("attendance", run.pk), {
        "enrolment": [a.pk, b.pk], "present": [f"{a.pk}:{day1.pk}", f"{a.pk}:{day2.pk}", f"{b.pk}:{day2.pk}"]})
    assert response.status_code == 302 and response["Location"].endswith("#attendance")
    assert Attendance.objects.filter(present=True).count() == 3
    assert Attendance.objects.get(enrolment=b, unit=day1).present is False
    assert f'value="{b.pk}:{day2.pk}" id="present-{b.pk}-{day2.pk}" checked' in page_of(
        client.get(url("attendance", run.pk)))


def test_a_forged_enrolment_is_refused_naming_the_problem_and_the_marks_kept(signed_in: ClientFor,
                                                                            people: People) -> None:
    run = _run(people)
    a = make_enrolment(run, name="A")
    other = make_enrolment(_run(people), name="Andet hold")
    day1, _day2 = list(run.units.order_by("number"))
    page = page_of(signed_in("tina").post(url("attendance", run.pk), {
        "enrolment": [a.pk, other.pk], "present": [f"{a.pk}:{day1.pk}", f"{other.pk}:{day1.pk}"]}), 400)
    assert (f"Attendance was sent for someone who is not enrolled on this run (enrolment {other.pk})."
            in page)
    assert "Andet hold" not in page  # nothing of the other run is shown
    assert f'value="{a.pk}:{day1.pk}" id="present-{a.pk}-{day1.pk}" checked' in page
    assert not Attendance.objects.exists()


def test_a_garbled_sheet_is_refused(signed_in: ClientFor, people: People) -> None:
    run = _run(people)
    page = page_of(signed_in("tina").post(url("attendance", run.pk), {"enrolment": ["x"], "present": ["1"]}), 400)
    assert "The attendance sent could not be read." in page


def test_a_day_to_come_cannot_be_ticked(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=0)
    a = make_enrolment(run, name="A")
    day1, day2 = list(run.units.order_by("number"))
    client = signed_in("tina")
    assert f'id="present-{a.pk}-{day2.pk}" disabled' in page_of(client.get(url("attendance", run.pk)))
    page = page_of(client.post(url("attendance", run.pk), {
        "enrolment": [a.pk], "present": [f"{a.pk}:{day1.pk}", f"{a.pk}:{day2.pk}"]}), 400)
    assert "Day 2 is on" in page and "in the future: nobody can be marked present for it yet." in page
    assert not Attendance.objects.exists()


def test_the_sheet_costs_the_same_with_many_participants(signed_in: ClientFor, people: People,
                                                         django_assert_max_num_queries: Any) -> None:
    client = signed_in("tina")
    run = _run(people, units=3, capacity=40)
    attend(make_enrolment(run, name="A"))
    with django_assert_max_num_queries(SHEET_QUERIES):
        page_of(client.get(url("attendance", run.pk)))
    for n in range(25):
        attend(make_enrolment(run, name=f"Deltager {n:02d}"), units=[2])
    with django_assert_max_num_queries(SHEET_QUERIES):
        page = page_of(client.get(url("attendance", run.pk)))
    assert page.count('name="enrolment"') == 26


# --- completion and certificates -------------------------------------------------------------------------------

def test_completion_lists_who_did_not_complete_and_the_days_they_missed(signed_in: ClientFor,
                                                                        people: People) -> None:
    run = _run(people, units=3)
    full, part = make_enrolment(run, people["rikke"]), make_enrolment(run, name="Lone Vestergaard")
    attend(full)
    attend(part, units=[1, 3])
    client = signed_in("tina")
    response = client.post(url("complete", run.pk))
    assert response.status_code == 302 and response["Location"].endswith("#completion")
    page = page_of(client.get(url("run_detail", run.pk)))
    day2 = run.units.get(number=2).held_on.isoformat()
    assert "The run is held. 1 participant completed it now and has a certificate." in page
    missed = page.split('data-testid="not-completed"')[1].split("</table>")[0]
    assert "Lone Vestergaard" in missed and f"Day 2 ({day2})" in missed and "Rikke" not in missed
    full.refresh_from_db()
    assert url("certificate", run.pk, full.pk) in page and full.certificate_number in page


def test_completing_a_run_not_over_answers_400_with_the_reason(signed_in: ClientFor, people: People) -> None:
    run = _run(people, days=3)
    page = page_of(signed_in("tina").post(url("complete", run.pk)), 400)
    assert "The run is not over: Day 1 is on" in page
    run.refresh_from_db()
    assert run.status == CourseRun.Status.PLANNED


def _completed(people: People) -> Enrolment:
    run = _run(people)
    e = make_enrolment(run, people["rikke"])
    attend(e)
    from infohus.training.services.runs import complete_run

    complete_run(actor=people["tina"], run=run)
    e.refresh_from_db()
    return e


@pytest.mark.parametrize("username", ["tina", "rikke"])
def test_the_trainer_and_the_participant_get_the_certificate(signed_in: ClientFor, people: People,
                                                             username: str) -> None:
    e = _completed(people)
    response = signed_in(username).get(url("certificate", e.run_id, e.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{e.certificate_number}.pdf"'
    event = AuditEvent.objects.get(action="training.certificate_printed")
    assert event.details == {"run": e.run_id, "own": username == "rikke"}


def test_no_certificate_for_others_or_before_completion(signed_in: ClientFor, people: People) -> None:
    e = _completed(people)
    assert signed_in("mads").get(url("certificate", e.run_id, e.pk)).status_code == 404
    pending = make_enrolment(e.run, people["otto"])
    assert signed_in("tina").get(url("certificate", e.run_id, pending.pk)).status_code == 404
    assert signed_in("otto").get(url("certificate", e.run_id, pending.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="training.certificate_printed").exists()


def test_the_certificate_says_who_what_when_where_and_its_number(people: People) -> None:
    e = _completed(people)
    e.run.place = "Statsfængslet Østjylland"
    units = [("Day 1", e.run.starts_on), ("Day 2", e.run.ends_on)]
    document = pdf.certificate_document(pdf.facts_of(e, trainers=["Tina Lund"], units=units))
    text = " ".join(document.written)
    for expected in ("Course certificate", "Rikke Fenger", "Statsfængslet Østjylland (demo)", "Ressourcepersonkursus",
                     "Resource-person course", e.run.starts_on.isoformat(), e.run.ends_on.isoformat(), "Tina Lund",
                     e.certificate_number, "Nationalt Center for Forebyggelse af Ekstremisme (demo)"):
        assert expected in text, expected
    assert document.output_bytes().startswith(b"%PDF")
