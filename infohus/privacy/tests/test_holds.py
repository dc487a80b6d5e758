"""Legal holds: placed and lifted (with a reason) by the data protection officer only, both
audited with the person's id and no text; the list's read is audited; a bad form answers 400."""

from collections.abc import Callable

import pytest
from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.tests.factories import make_person
from infohus.privacy.models import LegalHold
from infohus.privacy.selectors.retention import is_on_hold

pytestmark = pytest.mark.django_db


def test_the_dpo_places_a_hold_and_it_is_audited(signed_in: Callable[[str], Client]) -> None:
    person = make_person()
    dina = signed_in("dina")

    response = dina.post("/privacy/retention/holds/new/", {"person": person.pk, "reason": "Complaint to the DPA",
                                                           "reference": "DT-2026-1"})

    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.person_id, hold.reason, hold.reference, hold.placed_by.username) == (
        person.pk, "Complaint to the DPA", "DT-2026-1", "dina")
    assert is_on_hold(person.pk)
    event = AuditEvent.objects.get(action="privacy.legal_hold.placed")
    assert (event.person_id, event.details) == (str(person.pk), {"hold": hold.pk})


def test_a_hold_on_a_missing_person_is_refused_at_the_field_and_the_input_kept(
        signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dina").post("/privacy/retention/holds/new/", {"person": "99999", "reason": "Court case"})

    assert response.status_code == 400
    form = response.context["form"]
    assert "no person with record number 99999" in form.errors["person"][0]
    assert form["reason"].value() == "Court case"
    assert not LegalHold.objects.exists()


def test_a_hold_without_a_reason_is_refused(signed_in: Callable[[str], Client]) -> None:
    person = make_person()
    response = signed_in("dina").post("/privacy/retention/holds/new/", {"person": person.pk, "reason": " "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert not LegalHold.objects.exists()


def test_the_dpo_lifts_a_hold_with_a_reason(signed_in: Callable[[str], Client], people: dict[str, User]) -> None:
    person = make_person()
    hold = LegalHold.objects.create(person=person, reason="Complaint", placed_by=people["dina"])
    dina = signed_in("dina")
    url = f"/privacy/retention/holds/{hold.pk}/lift/"

    refused = dina.post(url, {"lift_reason": ""})
    assert refused.status_code == 400
    assert is_on_hold(person.pk)

    assert dina.post(url, {"lift_reason": "The complaint was settled"}).status_code == 302

    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "The complaint was settled"
    assert hold.lifted_by == people["dina"]
    assert not is_on_hold(person.pk)
    event = AuditEvent.objects.get(action="privacy.legal_hold.lifted")
    assert (event.person_id, event.details) == (str(person.pk), {"hold": hold.pk})
    assert dina.post(url, {"lift_reason": "Again"}).status_code == 400  # lifted already: refused
    hold.refresh_from_db()
    assert hold.lift_reason == "The complaint was settled"


@pytest.mark.parametrize("who", ["anders", "sofie", "carl", "ida"])
def test_only_the_dpo_places_or_lifts(signed_in: Callable[[str], Client], people: dict[str, User], who: str) -> None:
    person = make_person()
    hold = LegalHold.objects.create(person=person, reason="Complaint", placed_by=people["dina"])
    client = signed_in(who)

    assert client.post("/privacy/retention/holds/new/", {"person": person.pk, "reason": "x"}).status_code == 403
    assert client.post(f"/privacy/retention/holds/{hold.pk}/lift/", {"lift_reason": "x"}).status_code == 403
    assert LegalHold.objects.count() == 1 and is_on_hold(person.pk)


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_is_a_fixed_number_of_queries_and_its_read_is_audited(
        signed_in: Callable[[str], Client], people: dict[str, User], count: int,
        django_assert_max_num_queries: object) -> None:
    holds = [LegalHold.objects.create(person=make_person(f"P{n}"), reason="x", placed_by=people["dina"])
             for n in range(count)]
    dina = signed_in("dina")

    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = dina.get("/privacy/retention/holds/")

    assert response.status_code == 200
    assert all(f'data-hold="{h.pk}"' in response.content.decode() for h in holds)
    event = AuditEvent.objects.get(action="privacy.legal_holds.viewed")
    assert event.details == {"people": sorted(h.person_id for h in holds)}


def test_the_lift_page_is_audited_with_the_person(signed_in: Callable[[str], Client],
                                                  people: dict[str, User]) -> None:
    hold = LegalHold.objects.create(person=make_person("Jonas"), reason="Complaint", placed_by=people["dina"])

    response = signed_in("dina").get(f"/privacy/retention/holds/{hold.pk}/lift/")

    assert response.status_code == 200 and "Jonas" in response.content.decode()
    assert AuditEvent.objects.get(action="privacy.legal_hold.viewed").person_id == str(hold.person_id)
