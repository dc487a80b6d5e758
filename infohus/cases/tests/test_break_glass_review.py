"""The data protection officer reviews emergency openings; each review is audited and the
opening leaves the start page."""

from collections.abc import Callable

from django.test import Client

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.tests.factories import grant_break_glass, make_case

ClientFor = Callable[[str], Client]


def test_dina_reviews_an_opening_and_it_leaves_her_start_page(people: dict[str, User], signed_in: ClientFor) -> None:
    case = make_case(lead=people["carl"])
    opening = grant_break_glass(case, people["ida"])
    dina = signed_in("dina")
    page = dina.get("/desk/break-the-glass/").content.decode()
    assert case.reference in page and "Test emergency" in page
    assert f"Ida Holmsted · {case.reference}" in dina.get("/desk/").content.decode()

    response = dina.post(f"/desk/break-the-glass/{opening.pk}/reviewed/")

    assert response.status_code == 302
    opening.refresh_from_db()
    assert opening.reviewed_by_dpo == people["dina"] and opening.reviewed_at is not None
    assert AuditEvent.objects.filter(action="case.break_glass_reviewed", actor_username="dina",
                                     person_id=str(case.person_id)).exists()
    assert f"Ida Holmsted · {case.reference}" not in dina.get("/desk/").content.decode()


def test_only_the_data_protection_officer_reviews(people: dict[str, User], signed_in: ClientFor) -> None:
    opening = grant_break_glass(make_case(lead=people["carl"]), people["ida"])
    assert signed_in("ida").post(f"/desk/break-the-glass/{opening.pk}/reviewed/").status_code == 403
    opening.refresh_from_db()
    assert opening.reviewed_at is None


def test_review_list_queries_do_not_grow(people: dict[str, User], signed_in: ClientFor,
                                         django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    dina = signed_in("dina")
    grant_break_glass(make_case(lead=people["carl"]), people["ida"])
    # session, user, device, memberships; the count and the page of openings; session save (3)
    with django_assert_max_num_queries(9):
        dina.get("/desk/break-the-glass/")
    for _ in range(10):
        grant_break_glass(make_case(lead=people["carl"]), people["per"])
    with django_assert_max_num_queries(9):
        assert dina.get("/desk/break-the-glass/").status_code == 200


def test_a_case_to_open_in_an_emergency_is_found_by_its_reference(people: dict[str, User],
                                                                   signed_in: ClientFor) -> None:
    case = make_case(lead=people["carl"])
    per = signed_in("per")
    assert "Open a case in an emergency" in per.get("/desk/").content.decode()

    response = per.get("/desk/break-the-glass/find/", {"reference": case.reference.lower()})
    assert response["Location"] == f"/desk/cases/{case.pk}/break-the-glass/"

    response = per.get("/desk/break-the-glass/find/", {"reference": "S-NONE"}, follow=True)
    assert "No case has the reference" in response.content.decode()
    assert AuditEvent.objects.filter(action="case.break_glass_lookup_failed", actor_username="per").exists()
    assert "Open a case in an emergency" not in signed_in("mads").get("/desk/").content.decode()
