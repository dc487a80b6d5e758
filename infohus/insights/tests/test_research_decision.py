"""The data protection officer approves a proposed project (its key is made and stored encrypted)
or refuses it with a note; a decided project is not decided again."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.identifiers import decrypt
from infohus.insights.models import ResearchProject
from infohus.insights.services.research import decide_project, project_key
from infohus.insights.tests.factories import make_project

pytestmark = pytest.mark.django_db
S = ResearchProject.Status


def url(project: ResearchProject) -> str:
    return f"/desk/insights/research/{project.pk}/decide/"


def test_approval_makes_a_32_byte_key_stored_only_encrypted(signed_in: Any, people: dict[str, User]) -> None:
    project = make_project(proposed_by=people["anders"])

    response = signed_in("dina").post(url(project), {"decision": "approve", "note": "Within the purpose."})

    assert response.status_code == 302 and response["Location"] == f"/desk/insights/research/{project.pk}/"
    project.refresh_from_db()
    assert (project.status, project.decided_by, project.decision_note) == (S.APPROVED, people["dina"],
                                                                          "Within the purpose.")
    key = project_key(project)
    assert key is not None and len(key) == 32
    assert key.hex() not in project.key_encrypted and decrypt(project.key_encrypted) == key.hex()
    event = AuditEvent.objects.get(action="insights.research_decided")
    assert (event.actor_username, event.object_id, event.details) == ("dina", str(project.pk),
                                                                      {"decision": "approved"})
    assert key.hex() not in str(event.details)


def test_each_approval_makes_a_different_key(people: dict[str, User]) -> None:
    first, second = (make_project(proposed_by=people["anders"]) for _ in range(2))
    for project in (first, second):
        decide_project(actor=people["dina"], organisation=None, project=project, approve=True, note="")
    first.refresh_from_db(), second.refresh_from_db()
    assert project_key(first) != project_key(second)


def test_a_refusal_needs_a_note_and_keeps_what_was_typed(signed_in: Any, people: dict[str, User]) -> None:
    project = make_project(proposed_by=people["anders"])
    client = signed_in("dina")

    response = client.post(url(project), {"decision": "refuse", "note": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {"note": ["Say why the project is refused; the analyst reads it."]}
    assert response.context["form"]["decision"].value() == "refuse"

    response = client.post(url(project), {"decision": "refuse", "note": "The purpose does not need rows."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.key_encrypted) == (S.REFUSED, "")
    page = client.get(f"/desk/insights/research/{project.pk}/").content.decode()
    assert "The purpose does not need rows." in page and 'data-testid="extract-form"' not in page


def test_a_decided_project_is_not_decided_again(signed_in: Any, people: dict[str, User]) -> None:
    project = make_project(proposed_by=people["anders"], status=S.REFUSED)

    assert signed_in("dina").post(url(project), {"decision": "approve", "note": ""}).status_code == 404
    with pytest.raises(ValidationError, match="already been decided"):
        decide_project(actor=people["dina"], organisation=None, project=project, approve=True, note="")
    project.refresh_from_db()
    assert (project.status, project.key_encrypted) == (S.REFUSED, "")


def test_the_decision_page_shows_what_the_project_asks_for(signed_in: Any, people: dict[str, User]) -> None:
    project = make_project(proposed_by=people["anders"], fields=["age_band", "extremism"],
                           quasi_identifiers=["age_band"])

    page = signed_in("dina").get(url(project)).content.decode()

    assert 'data-field="age_band"' in page and 'data-field="extremism"' in page
    assert "Which courses of mentoring end with goals met." in page
