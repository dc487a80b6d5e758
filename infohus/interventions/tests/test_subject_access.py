"""The interventions app's part of a subject access export."""

from infohus.accounts.models import User
from infohus.cases.tests.factories import make_case, make_person
from infohus.interventions.selectors.subject_access import interventions_of
from infohus.interventions.tests.factories import make_goal, make_intervention, make_lending, make_session


def test_the_interventions_of_the_persons_cases_only(people: dict[str, User]) -> None:
    carl, mads = people["carl"], people["mads"]
    case = make_case(person=make_person("Jonas", "Åberg"), lead=carl)
    other_case = make_case(person=make_person("Sara", "Åberg"), lead=carl)
    own = make_intervention(case=case, provider_user=mads)
    goal = make_goal(own, what="Back to school")
    session = make_session(own, compartment="health", notes="Talked about school", professionals="Mads Kjærholm")
    lending = make_lending(case=case, lending_organisation=people["otto"].memberships.first().organisation)
    other = make_intervention(case=other_case, provider_user=mads)
    make_session(other, notes="Sara's session")
    make_intervention(provider_user=mads, description="Anonymous advice")

    held = interventions_of({case.pk: case.reference})

    assert [i["id"] for i in held["interventions"]] == [own.pk]
    assert held["interventions"][0]["case"] == case.reference
    assert [g["id"] for g in held["goals"]] == [goal.pk]
    assert [(s["id"], s["compartment"]) for s in held["sessions"]] == [(session.pk, "health")]
    assert [r["id"] for r in held["lending_requests"]] == [lending.pk]
    text = str(held)
    assert "Sara" not in text and "Anonymous advice" not in text
    assert "Kjærholm" not in text  # the professionals are not named
