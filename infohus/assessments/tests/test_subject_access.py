"""The assessments app's part of a subject access export."""

from infohus.accounts.models import User
from infohus.assessments.models import Assessment
from infohus.assessments.selectors.subject_access import assessments_of
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.cases.tests.factories import make_case, make_concern, make_person


def test_the_persons_assessments_with_labels_and_none_naming_someone_else(people: dict[str, User]) -> None:
    carl = people["carl"]
    person, sibling = make_person("Jonas", "Åberg"), make_person("Sara", "Åberg")
    case, concern = make_case(person=person, lead=carl), make_concern(person=person)
    version = published(small_definition())
    on_case = make_assessment(version=version, author=carl, case=case, compartment="health",
                              answers={"summary": "Jonas is doing better", "overall": 6})
    at_triage = make_assessment(version=version, author=carl, concern=concern)
    # Made on Jonas's case but about his sister: not his.
    Assessment.objects.create(version=version, case=case, person=sibling, assessed_on=on_case.assessed_on,
                              answers={"summary": "Sara's worries"}, created_by=carl)
    make_assessment(version=version, author=carl, case=make_case(person=sibling, lead=carl))

    held = assessments_of(person.pk, case_ids=[case.pk], concern_ids=[concern.pk])

    assert [a["id"] for a in held["assessments"]] == sorted([on_case.pk, at_triage.pk])
    first = next(a for a in held["assessments"] if a["id"] == on_case.pk)
    assert first["compartment"] == "health"
    assert first["instrument"] == "Test instrument"
    assert [(r["label"], r["text"]) for r in first["answers"]] == [
        ("In short", "Jonas is doing better"), ("Overall", "6 / 10")]
    assert "Sara" not in str(held)
