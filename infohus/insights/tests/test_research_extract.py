"""The data protection officer's extract: keyed pseudonyms, coarsened or shifted dates, nothing that
identifies a person, k-anonymity checked on people before anything is released, and every attempt
logged with what it held."""

import csv
import hashlib
import hmac
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, ExtremismKind, Person, TriageDecision
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person
from infohus.insights import research_catalogue as catalogue
from infohus.insights.models import ResearchExtract, ResearchProject
from infohus.insights.services.research import SHIFT_DAYS, check_k_anonymity, project_key, pseudonym, shift_days
from infohus.insights.tests.factories import make_project
from infohus.interventions.tests.factories import make_intervention, make_session

S = ResearchProject.Status
START, END = date(2025, 1, 1), date(2025, 3, 31)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def concern_on(day: date, **fields: Any) -> Concern:
    made = make_concern(**fields)
    Concern.objects.filter(pk=made.pk).update(received_at=at(day))
    return made


def people_of_concern(count: int, *, extremism: str = ExtremismKind.RIGHT_WING, day: date = date(2025, 2, 3),
                      **person: Any) -> list[Person]:
    made = []
    for i in range(count):
        p = make_person(f"Navn{i}", f"Efternavn{extremism}", **person)
        concern_on(day, person=p, extremism=extremism)
        made.append(p)
    return made


def approved(by: User, **fields: Any) -> ResearchProject:
    values: dict[str, Any] = {"period_start": START, "period_end": END, "fields": ["extremism", "decision_kind"],
                              "quasi_identifiers": ["extremism"], "k": 5}
    values.update(fields)
    return make_project(proposed_by=by, status=S.APPROVED, **values)


def extract(client: Client, project: ResearchProject) -> Any:
    return client.post(f"/desk/insights/research/{project.pk}/extract/")


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def key_of(project: ResearchProject) -> bytes:
    key = project_key(project)
    assert key is not None
    return key


# --- pure functions ------------------------------------------------------------------------------------------

def test_a_pseudonym_is_the_hmac_of_the_person_under_the_key_and_needs_the_key() -> None:
    key, other = b"k" * 32, b"o" * 32
    expected = hmac.new(key, b"person:42", hashlib.sha256).hexdigest()[:20]
    assert pseudonym(key, 42) == expected == pseudonym(key, 42)
    assert pseudonym(other, 42) != expected  # the same person under another project's key
    assert pseudonym(key, 43) != expected and "42" != expected


def test_shifts_stay_within_the_bound_and_differ_between_people_and_keys() -> None:
    shifts = {shift_days(b"k" * 32, f"person:{i}") for i in range(300)}
    assert min(shifts) >= -SHIFT_DAYS and max(shifts) <= SHIFT_DAYS and len(shifts) > 30
    assert [shift_days(b"k" * 32, f"person:{i}") for i in range(20)] != [
        shift_days(b"o" * 32, f"person:{i}") for i in range(20)]


@pytest.mark.parametrize(("age", "band"), [(None, "unknown"), (-1, "unknown"), (0, "0-14"), (14, "0-14"),
                                           (15, "15-17"), (17, "15-17"), (18, "18-24"), (24, "18-24"),
                                           (25, "25-34"), (44, "35-44"), (45, "45+"), (90, "45+")])
def test_ages_go_in_bands(age: int | None, band: str) -> None:
    assert catalogue.age_band(age) == band


def test_k_anonymity_counts_people_not_rows() -> None:
    # One person with five concerns is still a group of one.
    rows = [("person:1", ("left_wing",))] * 5 + [(f"person:{i}", ("right_wing",)) for i in range(2, 7)]
    check = check_k_anonymity(rows, ["extremism"], 5)
    assert not check.passed
    assert (check.rows, check.people, check.smallest_group, check.rows_below_k, check.people_below_k) == (
        10, 6, 1, 5, 1)


def test_k_anonymity_says_how_many_rows_each_quasi_identifier_leaves_in_small_groups() -> None:
    rows = [(f"p{i}", ("male", "right_wing" if i < 6 else "left_wing")) for i in range(8)]
    check = check_k_anonymity(rows, ["gender", "extremism"], 5)
    assert (check.rows_below_k, check.without) == (2, {"gender": 2, "extremism": 0})
    assert check_k_anonymity([], ["gender"], 5).passed


# --- releases ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_release_has_a_row_per_concern_with_the_persons_pseudonym_and_is_logged(
        signed_in: Any, people: dict[str, User]) -> None:
    seeded = people_of_concern(5)
    concern_on(date(2025, 3, 30), person=seeded[0], extremism=ExtremismKind.RIGHT_WING)  # a second concern
    concern_on(date(2025, 4, 1), person=seeded[1], extremism=ExtremismKind.LEFT_WING)  # after the period
    project = approved(people["anders"])

    response = extract(signed_in("dina"), project)

    rows = rows_of(response)
    assert response["Content-Disposition"].startswith(f'attachment; filename="research-{project.pk}-')
    assert list(rows[0]) == ["pseudonym", "extremism", "decision_kind"]
    assert len(rows) == 6 and {r["extremism"] for r in rows} == {"right_wing"}
    key = key_of(project)
    assert sorted(r["pseudonym"] for r in rows) == sorted(
        pseudonym(key, p.pk) for p in [*seeded, seeded[0]])
    logged = ResearchExtract.objects.get()
    assert (logged.released, logged.row_count, logged.smallest_group, logged.refusal) == (True, 6, 5, "")
    assert (logged.fields, logged.quasi_identifiers, logged.made_by) == (
        ["extremism", "decision_kind"], ["extremism"], people["dina"])
    assert logged.sha256 == hashlib.sha256(response.content).hexdigest()
    event = AuditEvent.objects.get(action="insights.research_extract")
    assert event.details["released"] is True and event.details["rows"] == 6
    assert event.details["sha256"] == logged.sha256
    assert not any(r["pseudonym"] in str(event.details) for r in rows)


@pytest.mark.django_db
def test_pseudonyms_are_stable_within_a_project_and_differ_across_projects(
        signed_in: Any, people: dict[str, User]) -> None:
    seeded = people_of_concern(5)
    first, second = approved(people["anders"]), approved(people["anders"])
    client = signed_in("dina")

    again = [sorted(r["pseudonym"] for r in rows_of(extract(client, first))) for _ in range(2)]
    other = sorted(r["pseudonym"] for r in rows_of(extract(client, second)))

    assert again[0] == again[1]
    assert not set(again[0]) & set(other)
    assert not {str(p.pk) for p in seeded} & set(other)


@pytest.mark.django_db
def test_nothing_that_identifies_a_seeded_person_is_in_the_csv(signed_in: Any, people: dict[str, User]) -> None:
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    secrets: list[str] = []
    for i in range(5):
        person = make_person(f"Zebulon{i}", f"Quistgaard{i}", birth_date=date(2008, 3, 1), gender="male",
                             municipality=aarhus, identifier=f"01030812{i}4", phone=f"+45 99 88 77 6{i}",
                             email=f"zq{i}@example.org", address=f"Hemmeligvej {i}")
        c = concern_on(date(2025, 2, 3), person=person, reporter=people["rasmus"], urgent=False,
                       person_described=f"Tall, red cap {i}", caller_name=f"Caller Karlsen{i}")
        case = make_case(person=person, lead=people["carl"])
        TriageDecision.objects.create(concern=c, kind=TriageDecision.Kind.STATUTORY_OFFER,
                                      reason=f"Agreed reason {i}", decided_on=date(2025, 2, 10),
                                      decided_by=people["ida"], case=case)
        note = make_note(case, author=people["carl"], text=f"Secret case note {i}")
        intervention = make_intervention(case=case, provider_user=people["mads"],
                                         description=f"Meets at the club {i}")
        session = make_session(intervention, notes=f"Talked about his brother {i}")
        secrets += [person.first_name, person.last_name, f"01030812{i}4", "0103081", "2008-03-01", "2008-03",
                    person.phone, person.email, person.address, c.reference, case.reference, c.observed,
                    c.worries, c.observed_where, c.person_described, c.caller_name, note.text,
                    intervention.description, session.notes, f"Agreed reason {i}"]
    everything = [f.key for f in catalogue.FIELDS]
    project = approved(people["anders"], fields=everything,
                       quasi_identifiers=["police_district", "age_band", "gender", "municipality"])

    response = extract(signed_in("dina"), project)

    rows = rows_of(response)
    assert len(rows) == 5 and list(rows[0]) == ["pseudonym", *everything]
    assert {(r["age_band"], r["gender"], r["received"]) for r in rows} == {("15-17", "male", "2025-02")}
    text = response.content.decode("utf-8-sig")
    assert [s for s in secrets if s in text] == []


@pytest.mark.django_db
def test_shifted_dates_move_all_of_a_persons_dates_by_the_same_days(signed_in: Any, people: dict[str, User]) -> None:
    seeded = people_of_concern(5, day=date(2025, 1, 10))
    c = concern_on(date(2025, 2, 20), person=seeded[0], extremism=ExtremismKind.RIGHT_WING)
    Concern.objects.filter(pk=c.pk).update(status=Concern.Status.DECIDED)
    TriageDecision.objects.create(concern=c, kind=TriageDecision.Kind.CONCERN_CONVERSATION, reason="Agreed.",
                                  decided_on=date(2025, 3, 3), decided_by=people["ida"])
    project = approved(people["anders"], fields=["extremism", "received", "decided", "days_to_decision"],
                       dates=ResearchProject.Dates.SHIFT)

    rows = rows_of(extract(signed_in("dina"), project))

    mine = [r for r in rows if r["pseudonym"] == pseudonym(key_of(project), seeded[0].pk)]
    assert len(mine) == 2
    first, second = sorted(mine, key=lambda r: r["received"])
    shift = shift_days(key_of(project), f"person:{seeded[0].pk}")
    assert date.fromisoformat(first["received"]) == date(2025, 1, 10) + timedelta(days=shift)
    assert date.fromisoformat(second["received"]) == date(2025, 2, 20) + timedelta(days=shift)
    assert date.fromisoformat(second["decided"]) - date.fromisoformat(second["received"]) == timedelta(days=11)
    assert (second["days_to_decision"], first["decided"], first["days_to_decision"]) == ("11", "", "")


# --- refusals ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_dataset_with_a_group_below_k_is_refused_with_the_reason_and_nothing_is_downloaded(
        signed_in: Any, people: dict[str, User]) -> None:
    people_of_concern(6, gender="male")
    people_of_concern(2, extremism=ExtremismKind.LEFT_WING, gender="male")
    project = approved(people["anders"], fields=["extremism", "gender"], quasi_identifiers=["extremism", "gender"])

    response = extract(signed_in("dina"), project)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html") and "Content-Disposition" not in response
    logged = ResearchExtract.objects.get()
    assert (logged.released, logged.row_count, logged.smallest_group, logged.sha256) == (False, 8, 2, "")
    assert logged.refusal == (
        "2 of 8 rows (2 people) are in groups of fewer than 5 people sharing the same Kind of extremism, Gender; "
        "the smallest group has 2 people. Nothing was released. Rows that would still be in small groups without "
        "each quasi-identifier: Kind of extremism: 0; Gender: 2. Coarsen or drop “Kind of extremism” first (a new "
        "project with fewer or coarser fields), choose dates by month, or widen the period.")
    assert "2 of 8 rows (2 people) are in groups of fewer than 5 people" in response.content.decode()
    event = AuditEvent.objects.get(action="insights.research_extract")
    assert (event.details["released"], event.details["smallest_group"], event.details["sha256"]) == (False, 2, "")


@pytest.mark.django_db
def test_too_few_people_in_all_is_refused_without_quasi_identifiers(signed_in: Any, people: dict[str, User]) -> None:
    people_of_concern(4)
    project = approved(people["anders"], fields=["decision_kind"], quasi_identifiers=[])

    response = extract(signed_in("dina"), project)

    assert response.status_code == 400
    assert ResearchExtract.objects.get().refusal.startswith(
        "4 of 4 rows (4 people) are in groups of fewer than 5 people sharing the same (no quasi-identifiers: all "
        "rows are one group); the smallest group has 4 people.")


@pytest.mark.django_db
def test_an_unreadable_key_is_refused_and_logged(signed_in: Any, people: dict[str, User]) -> None:
    people_of_concern(5)
    project = approved(people["anders"])
    ResearchProject.objects.filter(pk=project.pk).update(key_encrypted="not a fernet token")

    response = extract(signed_in("dina"), project)

    assert response.status_code == 400
    assert ResearchExtract.objects.get().refusal.startswith("The project's key cannot be read")


@pytest.mark.django_db
def test_an_empty_period_releases_the_header_alone(signed_in: Any, people: dict[str, User]) -> None:
    project = approved(people["anders"], period_start=date(2001, 1, 1), period_end=date(2001, 1, 31))

    assert rows_of(extract(signed_in("dina"), project)) == []
    logged = ResearchExtract.objects.get()
    assert (logged.released, logged.row_count, logged.smallest_group) == (True, 0, None)


# --- who sees what ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_analyst_sees_the_log_but_never_the_rows(signed_in: Any, people: dict[str, User]) -> None:
    seeded = people_of_concern(5)
    project = approved(people["anders"])
    rows = rows_of(extract(signed_in("dina"), project))
    analyst = signed_in("anders")

    page = analyst.get(f"/desk/insights/research/{project.pk}/").content.decode()

    assert ResearchExtract.objects.get().sha256 in page and 'data-released="yes"' in page
    assert 'data-testid="extract-form"' not in page
    assert not [r["pseudonym"] for r in rows if r["pseudonym"] in page]
    assert not [p.first_name for p in seeded if p.first_name in page]
    assert extract(analyst, project).status_code == 403
    assert ResearchExtract.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 40])
def test_the_extract_takes_the_same_queries_at_few_and_many_rows(
        signed_in: Any, people: dict[str, User], count: int, django_assert_max_num_queries: Any) -> None:
    for p in people_of_concern(count):
        case = make_case(person=p, lead=people["carl"])
        TriageDecision.objects.create(concern=p.concerns.get(), kind=TriageDecision.Kind.STATUTORY_OFFER,
                                      reason="Agreed.", decided_on=date(2025, 2, 10), decided_by=people["ida"],
                                      case=case)
        make_session(make_intervention(case=case, provider_user=people["mads"]))
    project = approved(people["anders"], fields=[f.key for f in catalogue.FIELDS if not f.quasi])
    client = signed_in("dina")
    # Sign-in: the session, the user, the device, the memberships, and the session saved at the end (5);
    # the project (1); the rows: concerns, interventions, sessions (3); the log and its audit event: the
    # insert, the chain's last row, the insert, and a lock on PostgreSQL (4); savepoints (6).
    with django_assert_max_num_queries(19):
        response = extract(client, project)
    assert len(rows_of(response)) == count
    assert Case.objects.count() == count
