"""The audit's part of a subject access export: the events about the person, without details
and without naming the professional."""

from infohus.accounts.models import User
from infohus.audit.services import record_event
from infohus.audit.subject_access import events_about


def test_events_about_the_person_only_without_details_or_names(people: dict[str, User]) -> None:
    carl = people["carl"]
    organisation = carl.memberships.first().organisation
    read = record_event(action="case.viewed", actor=carl, organisation=organisation, object_type="case",
                        object_id=7, person_id=41, purpose="case work", details={"found": [42]})
    record_event(action="case.viewed", actor=carl, object_type="case", object_id=8, person_id=42)
    record_event(action="person.searched", actor=carl, details={"exact": [41, 42]})

    events = events_about(41)["audit_events"]

    assert [e["id"] for e in events] == [read.seq]
    event = events[0]
    assert (event["action"], event["organisation"], event["object_type"], event["object_id"], event["purpose"]) == (
        "case.viewed", organisation.name, "case", "7", "case work")
    assert event["occurred_at"] == read.occurred_at
    assert "details" not in event and "carl" not in str(event).lower()
