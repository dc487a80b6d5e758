"""The register of research projects and one project with its extract log: what the analyst and the
data protection officer see, in a fixed number of queries."""

from typing import Any

import pytest

from infohus.accounts.models import User
from infohus.insights.models import ResearchExtract, ResearchProject
from infohus.insights.tests.factories import make_project

pytestmark = pytest.mark.django_db
S = ResearchProject.Status
LIST = "/desk/insights/research/"


def test_projects_waiting_for_a_decision_come_first(signed_in: Any, people: dict[str, User]) -> None:
    approved = make_project(proposed_by=people["anders"], status=S.APPROVED, title="Approved one")
    waiting = make_project(proposed_by=people["anders"], title="Waiting one")
    refused = make_project(proposed_by=people["anders"], status=S.REFUSED, title="Refused one")
    ResearchExtract.objects.create(project=approved, made_by=people["dina"], row_count=9, released=True)

    response = signed_in("dina").get(LIST)

    projects = response.context["projects"]
    assert [p.pk for p in projects] == [waiting.pk, refused.pk, approved.pk]
    assert [p.extract_count for p in projects] == [0, 0, 1]
    assert 'data-testid="propose"' not in response.content.decode()  # the data protection officer decides


def test_the_analyst_may_propose_from_the_register(signed_in: Any, people: dict[str, User]) -> None:
    make_project(proposed_by=people["anders"])
    page = signed_in("anders").get(LIST).content.decode()
    assert 'data-testid="propose"' in page and 'data-status="proposed"' in page


def test_only_the_data_protection_officer_is_offered_the_decision(signed_in: Any, people: dict[str, User]) -> None:
    project = make_project(proposed_by=people["anders"])
    url = f"/desk/insights/research/{project.pk}/"
    assert 'data-testid="decide"' in signed_in("dina").get(url).content.decode()
    assert 'data-testid="decide"' not in signed_in("anders").get(url).content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_register_takes_the_same_queries_at_few_and_many_projects(
        signed_in: Any, people: dict[str, User], count: int, django_assert_max_num_queries: Any) -> None:
    for i in range(count):
        project = make_project(proposed_by=people["anders"], status=S.APPROVED if i % 2 else S.PROPOSED)
        ResearchExtract.objects.create(project=project, made_by=people["dina"], row_count=i, released=True)
    client = signed_in("anders")
    # Sign-in: the session, the user, the device, the memberships, and the session saved at the end in a
    # savepoint (7); the projects with their proposers, deciders and numbers of extracts (1).
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["projects"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_a_project_takes_the_same_queries_at_few_and_many_extracts(
        signed_in: Any, people: dict[str, User], count: int, django_assert_max_num_queries: Any) -> None:
    project = make_project(proposed_by=people["anders"], status=S.APPROVED)
    for i in range(count):
        ResearchExtract.objects.create(project=project, made_by=people["dina"], row_count=i, released=bool(i % 2),
                                       refusal="" if i % 2 else "Too small.")
    client = signed_in("dina")
    # Sign-in: the session, the user, the device, the memberships, and the session saved at the end in a
    # savepoint (7); the project with its proposer and decider (1); the log with who made each extract (1).
    with django_assert_max_num_queries(9):
        response = client.get(f"/desk/insights/research/{project.pk}/")
    assert response.content.decode().count("data-extract=") == count
