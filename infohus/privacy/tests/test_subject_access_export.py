"""The subject access export is complete and holds nothing of anyone else (the issue's "done
when"): a person with rows of every kind, and a second person with the same kinds of rows in the
same organisations, some of them on the first person's own case."""

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in_fully
from infohus.accounts.models import User
from infohus.accounts.roles import Compartment
from infohus.assessments.models import Assessment, AssessmentAttachment
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.audit.services import record_event
from infohus.cases.models import (
    Case,
    CaseAttachment,
    Concern,
    ConcernAttachment,
    ConsentRecord,
    Disclosure,
    LegalBasis,
    LocalAssessment,
    NetworkMember,
    Note,
    Person,
    Review,
    Task,
    TeamMember,
    TriageDecision,
)
from infohus.cases.tests.factories import make_case, make_concern, make_note, make_person
from infohus.interventions.models import Goal, Intervention, LendingRequest, Session
from infohus.interventions.tests.factories import (
    make_goal,
    make_intervention,
    make_lending,
    make_session,
)
from infohus.privacy import subject_access_pdf
from infohus.privacy.selectors.subject_access import KINDS, holdings, released_only

ALL = [c.value for c in Compartment]
# The export's queries, whatever the number of rows: the session, user, device and membership
# (4), the person and the legal hold (2), the cases app's kinds (13), assessments (3),
# interventions (4), the audit events (1), the export's own audit event in a savepoint (4, and
# PostgreSQL's chain lock) and the session saved (3).
EXPORT_QUERIES = 33


def seed(people: dict[str, User], *, first: str, last: str, tag: str, identifier: str = "",
         many: int = 1) -> dict[str, Any]:
    """A person with at least one row of every kind (`many` of the repeatable ones), every text
    carrying `tag` so that a test can look for it."""
    carl, ida, signe, per = people["carl"], people["ida"], people["signe"], people["per"]
    person = make_person(first, last, identifier=identifier, address=f"{tag} Vej 1, Århus")
    NetworkMember.objects.create(person=person, name=f"{tag} mother", relation="mother", contact="12345678")
    concern = make_concern(reporter=people["rasmus"], person=person, status=Concern.Status.DECIDED,
                           person_described=f"{tag} described", caller_name="Never Exported Caller")
    Concern.objects.filter(pk=concern.pk).update(observed=f"{tag} observed", worries=f"{tag} worries")
    case = make_case(person=person, lead=carl, team={signe: "general,health", per: "general,police,intelligence"})
    ConcernAttachment.objects.create(concern=concern, file="concerns/x.pdf", original_name=f"{tag}-concern.pdf",
                                     content_type="application/pdf", size=10)
    LocalAssessment.objects.create(concern=concern, participants="Teacher Hansen", conclusion=f"{tag} conclusion",
                                   decision=LocalAssessment.Decision.FORWARD, assessed_by=people["rikke"])
    TriageDecision.objects.create(concern=concern, kind=TriageDecision.Kind.STATUTORY_OFFER, reason=f"{tag} reason",
                                  decided_on=timezone.localdate(), decided_by=ida, case=case)
    Disclosure.objects.create(person=person, concern=concern, from_organisation=ida.memberships.first().organisation,
                              summary=f"{tag} disclosed", legal_basis=LegalBasis.S115_SSP, purpose="prevention",
                              compartment="police", recorded_by=ida)
    for n in range(many):
        for compartment in ALL:
            make_note(case, author=carl, compartment=compartment, text=f"{tag} note {compartment} {n}")
        Review.objects.create(case=case, held_on=timezone.localdate(), summary=f"{tag} review {n}", recorded_by=carl)
        Task.objects.create(case=case, title=f"{tag} task {n}", due_on=timezone.localdate(), assignee=carl)
        ConsentRecord.objects.create(case=case, given_by=f"{first} {last}", scope=f"{tag} consent {n}",
                                     given_on=timezone.localdate(), recorded_by=carl)
        CaseAttachment.objects.create(case=case, compartment="police", file="cases/x.pdf",
                                      original_name=f"{tag}-case-{n}.pdf", content_type="application/pdf", size=20)
    version = published(small_definition())
    general = make_assessment(version=version, author=carl, case=case, answers={"summary": f"{tag} summary"})
    make_assessment(version=version, author=signe, case=case, compartment="health",
                    answers={"summary": f"{tag} health summary"}, signed=True)
    make_assessment(version=version, author=ida, concern=concern, answers={"summary": f"{tag} triage summary"})
    AssessmentAttachment.objects.create(assessment=general, field_key="form", file="assessments/x.pdf",
                                        original_name=f"{tag}-form.pdf", content_type="application/pdf", size=30)
    intervention = make_intervention(case=case, provider_user=people["mads"], description=f"{tag} intervention")
    for n in range(many):
        make_goal(intervention, what=f"{tag} goal {n}")
        make_session(intervention, notes=f"{tag} session {n}")
        make_session(intervention, notes=f"{tag} health session {n}", compartment="health")
    make_lending(case=case, lending_organisation=people["otto"].memberships.first().organisation,
                 summary=f"{tag} lending")
    for n in range(many):
        record_event(action="case.viewed", actor=carl, object_type="case", object_id=case.pk, person_id=person.pk,
                     purpose=f"{tag} purpose {n}")
    return {"person": person, "case": case, "concern": concern}


def expected_ids(person: Person) -> dict[str, set[int]]:
    """The person's rows per kind, read from the database directly."""
    def ids(queryset: Any) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    return {
        "person": {person.pk},
        "network": ids(NetworkMember.objects.filter(person=person)),
        "concerns": ids(Concern.objects.filter(person=person)),
        "concern_attachments": ids(ConcernAttachment.objects.filter(concern__person=person)),
        "local_assessments": ids(LocalAssessment.objects.filter(concern__person=person)),
        "triage_decisions": ids(TriageDecision.objects.filter(concern__person=person)),
        "disclosures": ids(Disclosure.objects.filter(person=person)),
        "cases": ids(Case.objects.filter(person=person)),
        "team": ids(TeamMember.objects.filter(case__person=person)),
        "notes": ids(Note.objects.filter(case__person=person)),
        "reviews": ids(Review.objects.filter(case__person=person)),
        "tasks": ids(Task.objects.filter(case__person=person)),
        "consents": ids(ConsentRecord.objects.filter(case__person=person)),
        "case_attachments": ids(CaseAttachment.objects.filter(case__person=person)),
        "assessments": ids(Assessment.objects.filter(person=person)),
        "assessment_attachments": ids(AssessmentAttachment.objects.filter(assessment__person=person)),
        "interventions": ids(Intervention.objects.filter(case__person=person)),
        "goals": ids(Goal.objects.filter(intervention__case__person=person)),
        "sessions": ids(Session.objects.filter(intervention__case__person=person)),
        "lending_requests": ids(LendingRequest.objects.filter(case__person=person)),
        "audit_events": set(AuditEvent.objects.filter(person_id=str(person.pk)).values_list("seq", flat=True)),
    }


@pytest.fixture
def world(people: dict[str, User]) -> dict[str, Any]:
    alpha = seed(people, first="Åse", last="Ærøskøbing", tag="ALPHA", identifier="0101051234")
    bravo = seed(people, first="Bodil", last="Brandtmose", tag="BRAVO", identifier="0202061234")
    carl, per = people["carl"], people["per"]
    # Rows about the second person that sit on the first person's own case.
    Disclosure.objects.create(person=bravo["person"], case=alpha["case"],
                              from_organisation=per.memberships.first().organisation, summary="BRAVO on alpha case",
                              legal_basis=LegalBasis.CONSENT, purpose="prevention", recorded_by=per)
    Assessment.objects.create(version=published(small_definition()), case=alpha["case"], person=bravo["person"],
                              assessed_on=timezone.localdate(), answers={"summary": "BRAVO sibling"}, created_by=carl)
    record_event(action="person.viewed", actor=carl, person_id=bravo["person"].pk, purpose="BRAVO elsewhere")
    # An anonymous advice consultation names nobody and belongs to no one's export.
    make_intervention(provider_user=people["mads"], description="ANON advice")
    return {"alpha": alpha, "bravo": bravo}


def export(client: Client, person: Person, *, compartments: list[str], fmt: str) -> Any:
    return client.post(f"/privacy/subject-access/{person.pk}/", {"compartments": compartments, "format": fmt})


def test_json_export_holds_every_row_of_the_person_and_none_of_the_other(
        world: dict[str, Any], people: dict[str, User]) -> None:
    alpha, bravo = world["alpha"]["person"], world["bravo"]["person"]
    expected = expected_ids(alpha)
    others = expected_ids(bravo)
    client = sign_in_fully(Client(), people["dina"])

    response = export(client, alpha, compartments=ALL, fmt="json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    data = json.loads(text)
    assert set(data["records"]) == {kind for kind, _title in KINDS}
    for kind, ids in expected.items():
        assert ids, f"the seed has no {kind}"
        got = {row["id"] for row in data["records"][kind]}
        assert got == ids, kind
        assert not got & (others[kind] - ids), kind
    assert data["compartments_released"] == ALL
    assert all(entry["records"] == 0 for entry in data["compartments_withheld"])
    for trace in ("BRAVO", "Bodil", "Brandtmose", "0202061234", "Never Exported Caller", "Teacher Hansen", "ANON"):
        assert trace not in text, trace
    # The first person's own data is there, Danish letters as written, dates in ISO form.
    person_row = data["records"]["person"][0]
    assert (person_row["first_name"], person_row["last_name"]) == ("Åse", "Ærøskøbing")
    assert person_row["identifier"] == "0101051234"
    assert person_row["birth_date"] == alpha.birth_date.isoformat()
    assert "ALPHA note intelligence 0" in text


def test_pdf_export_says_the_persons_records_and_nothing_of_the_other(
        world: dict[str, Any], people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    alpha = world["alpha"]["person"]
    written: list[str] = []
    original = subject_access_pdf.export_document

    def keep(result: Any) -> Any:
        doc = original(result)
        written.extend(doc.written)
        return doc

    monkeypatch.setattr("infohus.privacy.views_subject_access.export_document", keep)
    client = sign_in_fully(Client(), people["dina"])

    response = export(client, alpha, compartments=["general", "health"], fmt="pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "\n".join(written)
    assert "Åse Ærøskøbing" in text
    for kind in ("notes", "sessions", "assessments"):
        assert str(dict(KINDS)[kind]) in text
    assert "ALPHA note general 0" in text and "ALPHA note health 0" in text
    assert "ALPHA health session 0" in text
    # Police and intelligence were not released: left out, and said to be.
    assert "ALPHA note police 0" not in text and "ALPHA note intelligence 0" not in text
    assert "ALPHA disclosed" not in text and "ALPHA-case-0.pdf" not in text
    assert "Police: 3 records" in text  # a note, the disclosure and a case attachment
    assert "Intelligence: 1 record." in text
    for trace in ("BRAVO", "Bodil", "Brandtmose", "Never Exported Caller", "Teacher Hansen"):
        assert trace not in text, trace


def test_compartments_not_chosen_are_left_out_and_counted(world: dict[str, Any], people: dict[str, User]) -> None:
    alpha = world["alpha"]["person"]
    client = sign_in_fully(Client(), people["dina"])

    data = json.loads(export(client, alpha, compartments=["health"], fmt="json").content)

    compartments = {row["compartment"] for rows in data["records"].values() for row in rows}
    assert compartments == {"health"}
    assert {row["text"] for row in data["records"]["notes"]} == {"ALPHA note health 0"}
    assert data["records"]["person"] == []
    everything = holdings(alpha)
    withheld = {entry["compartment"]: entry["records"] for entry in data["compartments_withheld"]}
    assert set(withheld) == {"general", "police", "intelligence"}
    for compartment, count in withheld.items():
        held = sum(1 for rows in everything.records.values() for row in rows if row["compartment"] == compartment)
        # The export's own audit event was written after it was assembled, in general.
        assert count == held - (1 if compartment == "general" else 0), compartment


def test_released_only_keeps_exactly_the_chosen_compartments(world: dict[str, Any]) -> None:
    held = holdings(world["alpha"]["person"])
    result = released_only(held, ["police", "intelligence"])
    assert result.released == ["police", "intelligence"]
    assert result.total + sum(result.withheld.values()) == sum(len(rows) for rows in held.records.values())
    assert {row["compartment"] for rows in result.records.values() for row in rows} == {"police", "intelligence"}


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_export_queries_do_not_grow_with_the_rows(people: dict[str, User], fmt: str,
                                                  django_assert_max_num_queries: Any) -> None:
    few = seed(people, first="Fie", last="Få", tag="FEW")["person"]
    many = seed(people, first="Mia", last="Mange", tag="MANY", many=25)["person"]
    client = sign_in_fully(Client(), people["dina"])
    for person in (few, many):
        with django_assert_max_num_queries(EXPORT_QUERIES):
            response = export(client, person, compartments=ALL, fmt=fmt)
        assert response.status_code == 200
    assert len(json.loads(export(client, many, compartments=ALL, fmt="json").content)["records"]["notes"]) == 100


def test_every_export_is_audited_without_content(world: dict[str, Any], people: dict[str, User]) -> None:
    alpha = world["alpha"]["person"]
    client = sign_in_fully(Client(), people["dina"])

    export(client, alpha, compartments=["general", "police"], fmt="pdf")

    event = AuditEvent.objects.filter(action="privacy.subject_access.exported").get()
    assert event.person_id == str(alpha.pk)
    assert event.actor_username == "dina"
    assert event.details["formats"] == ["pdf"]
    assert event.details["compartments"] == ["general", "police"]
    assert set(event.details["withheld"]) == {"health", "intelligence"}
    assert "ALPHA" not in json.dumps(event.details) and "Åse" not in json.dumps(event.details)
