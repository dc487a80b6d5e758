"""Break the glass: an authorised user outside the team opens a case in an emergency, with a
reason; it is audited, shows a banner, tells the data protection officer and runs out."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import BreakGlassAccess, Case, Note
from infohus.cases.services import cases as services
from infohus.cases.tests.factories import make_case, make_note

pytestmark = pytest.mark.django_db

REASON = "The police report an imminent threat tonight; the team cannot be reached."


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    case = make_case(lead=people["carl"], team={people["mads"]: "general"})
    make_note(case, author=people["carl"], text="Met the family at home.")
    return case


def _break(client: Client, case: Case, reason: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("cases:case_break_glass", args=[case.pk]), {"reason": reason})


def test_coordinator_breaks_the_glass(signed_in: Callable[[str], Client], case: Case, people: dict[str, User],
                                      mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    ida = signed_in("ida")
    detail = reverse("cases:case_detail", args=[case.pk])
    assert ida.get(detail).status_code == 404

    response = _break(ida, case, REASON, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == detail

    access = BreakGlassAccess.objects.get(user=people["ida"], case=case)
    minutes = (access.expires_at - access.opened_at).total_seconds() / 60
    assert abs(minutes - services.BREAK_GLASS_MINUTES) < 1
    page = ida.get(detail).content.decode()
    assert 'data-testid="break-glass-banner"' in page
    assert "Met the family at home." in page
    # read-only: no note form, and a forged note is refused
    assert reverse("cases:case_note_add", args=[case.pk]) not in page
    assert ida.post(reverse("cases:case_note_add", args=[case.pk]),
                    {"compartment": "general", "text": "x"}).status_code == 403
    assert Note.objects.filter(case=case).count() == 1

    event = AuditEvent.objects.get(action="case.break_glass")
    assert event.actor_id == people["ida"].pk and event.person_id == str(case.person_id) and event.purpose == REASON
    assert AuditEvent.objects.filter(action="case.viewed", actor_id=people["ida"].pk,
                                     details__via="break_glass").exists()

    assert [m.to for m in mailoutbox] == [[people["dina"].email]]
    mail = mailoutbox[0]
    assert case.reference in mail.subject and case.reference in mail.body
    assert "ida" in mail.body and REASON in mail.body
    assert case.person.first_name not in mail.body and case.person.last_name not in mail.body


def test_access_expires(signed_in: Callable[[str], Client], case: Case, people: dict[str, User],
                        django_capture_on_commit_callbacks: Any) -> None:
    ida = signed_in("ida")
    _break(ida, case, REASON, django_capture_on_commit_callbacks)
    BreakGlassAccess.objects.filter(user=people["ida"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ida.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert case.reference not in ida.get(reverse("cases:case_list")).content.decode()


def test_without_a_reason_it_is_refused(signed_in: Callable[[str], Client], case: Case, mailoutbox: list[Any],
                                        django_capture_on_commit_callbacks: Any) -> None:
    ida = signed_in("ida")
    for reason in ["", "   ", "urgent"]:
        response = _break(ida, case, reason, django_capture_on_commit_callbacks)
        assert response.status_code == 200
    assert not BreakGlassAccess.objects.exists()
    assert not mailoutbox
    assert ida.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("username", ["carl", "otto", "signe", "dina", "sofie"])
def test_a_role_without_break_glass_cannot(username: str, signed_in: Callable[[str], Client], case: Case,
                                           mailoutbox: list[Any], django_capture_on_commit_callbacks: Any) -> None:
    response = _break(signed_in(username), case, REASON, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()
    assert not mailoutbox


def test_a_team_member_is_sent_to_the_case(signed_in: Callable[[str], Client], people: dict[str, User]) -> None:
    case = make_case(lead=people["carl"], team={people["per"]: "general,police"})
    response = signed_in("per").get(reverse("cases:case_break_glass", args=[case.pk]))
    assert response.status_code == 302
    assert not BreakGlassAccess.objects.exists()


def test_unknown_case_is_404(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("per").get(reverse("cases:case_break_glass", args=[987654])).status_code == 404
