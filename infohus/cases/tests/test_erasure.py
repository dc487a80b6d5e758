"""cases.services.erasure: what anonymising a concern, a case and a person blanks, deletes and keeps.
The selection of what has expired is tested with the retention run (privacy/tests)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from infohus.accounts.models import User
from infohus.cases.models import (
    BreakGlassAccess,
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
    TriageMeeting,
)
from infohus.cases.services.erasure import anonymise_cases, anonymise_concerns, anonymise_people
from infohus.cases.tests.factories import grant_break_glass, info_house, make_case, make_concern, make_note, make_person

pytestmark = pytest.mark.django_db


def concern_with_everything(people: dict[str, User], person: Person) -> Concern:
    ida = people["ida"]
    concern = make_concern(reporter=people["rasmus"], status=Concern.Status.DECIDED, person=person,
                           caller_name="Mor", caller_relation="Mother", caller_contact="+45 11 22 33 44",
                           others_who_know="The class teacher", person_described="Tall boy, 16",
                           outcome_for_reporter="Handled")
    attachment = ConcernAttachment(concern=concern, original_name="letter.txt", content_type="text/plain", size=6)
    attachment.file.save("letter.txt", ContentFile(b"letter"), save=True)
    LocalAssessment.objects.create(concern=concern, participants="Teacher, nurse", conclusion="Worrying",
                                   decision=LocalAssessment.Decision.FORWARD, assessed_by=people["rikke"])
    TriageDecision.objects.create(concern=concern, kind=TriageDecision.Kind.NO_FURTHER_ACTION, reason="Unfounded",
                                  decided_on=timezone.localdate(), decided_by=ida)
    meeting = TriageMeeting.objects.create(info_house=info_house(), scheduled_for=timezone.now())
    meeting.concerns.add(concern)
    Disclosure.objects.create(person=person, concern=concern, from_organisation=info_house(),
                              summary="His school record", legal_basis=LegalBasis.S115_INFOHOUSE,
                              purpose="Prevention", recorded_by=ida)
    return concern


def test_a_concern_keeps_its_skeleton_and_loses_everything_it_said(people: dict[str, User]) -> None:
    person = make_person()
    concern = concern_with_everything(people, person)
    other = concern_with_everything(people, make_person("Other"))
    path = concern.attachments.get().file.name
    now = timezone.now()

    assert anonymise_concerns([concern.pk], now=now) == 1

    concern.refresh_from_db()
    assert concern.anonymised_at == now
    assert concern.person_id is None
    for field in ("caller_name", "caller_relation", "caller_contact", "observed", "observed_where", "others_who_know",
                  "worries", "person_described", "outcome_for_reporter"):
        assert getattr(concern, field) == "", field
    assert (concern.status, concern.extremism, concern.info_house_id) == (Concern.Status.DECIDED, "not_known",
                                                                          info_house().pk)
    assert not ConcernAttachment.objects.filter(concern=concern).exists()
    assert not default_storage.exists(path)
    local = LocalAssessment.objects.get(concern=concern)
    assert (local.participants, local.conclusion, local.decision) == ("", "", "forward")
    decision = TriageDecision.objects.get(concern=concern)
    assert (decision.reason, decision.kind) == ("", "no_further_action")
    assert not TriageMeeting.concerns.through.objects.filter(concern=concern).exists()
    assert Disclosure.objects.filter(concern=concern).values_list("summary", "purpose").get() == ("", "")
    # The other concern is untouched.
    other.refresh_from_db()
    assert other.worries and other.person_id and other.attachments.exists()
    assert Disclosure.objects.get(concern=other).summary == "His school record"


def test_anonymising_a_concern_twice_counts_it_once(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    now = timezone.now()

    assert anonymise_concerns([concern.pk], now=now) == 1
    assert anonymise_concerns([concern.pk], now=now + timedelta(days=1)) == 0
    concern.refresh_from_db()
    assert concern.anonymised_at == now


def test_a_case_keeps_its_skeleton_and_loses_its_content(people: dict[str, User]) -> None:
    carl = people["carl"]
    case = make_case(lead=carl, team={people["mads"]: "general"})
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now(), outcome="goals_met",
                                           closure_reason="He found a job")
    make_note(case, author=carl, text="He talked about his brother")
    attachment = CaseAttachment(case=case, original_name="plan.txt", content_type="text/plain", size=4)
    attachment.file.save("plan.txt", ContentFile(b"plan"), save=True)
    Task.objects.create(case=case, title="Call the school", due_on=timezone.localdate(), assignee=carl)
    Review.objects.create(case=case, held_on=timezone.localdate(), summary="Going well", recorded_by=carl)
    ConsentRecord.objects.create(case=case, given_by="The mother", scope="Talk to school",
                                 given_on=timezone.localdate(), recorded_by=carl)
    grant_break_glass(case, people["per"])
    Disclosure.objects.create(person=case.person, case=case, from_organisation=case.owner, summary="Plan",
                              legal_basis=LegalBasis.CONSENT, purpose="Prevention", recorded_by=carl)
    opening = make_concern(reporter=people["rasmus"], status=Concern.Status.DECIDED, person=case.person)
    TriageDecision.objects.create(concern=opening, kind=TriageDecision.Kind.STATUTORY_OFFER, reason="Needs a mentor",
                                  decided_on=timezone.localdate(), decided_by=people["ida"], case=case)
    kept = make_case(lead=carl)
    make_note(kept, author=carl)
    now = timezone.now()

    assert anonymise_cases([case.pk], now=now) == 1

    case.refresh_from_db()
    assert (case.anonymised_at, case.closure_reason, case.outcome, case.reference) == (
        now, "", "goals_met", case.reference)
    for model in (Note, CaseAttachment, Task, Review, ConsentRecord, TeamMember):
        assert not model.objects.filter(case=case).exists(), model.__name__
    assert not default_storage.exists(attachment.file.name)
    assert BreakGlassAccess.objects.get(case=case).reason == ""
    assert Disclosure.objects.get(case=case).summary == ""
    opening.refresh_from_db()
    assert opening.anonymised_at == now and opening.worries == ""
    assert TriageDecision.objects.get(concern=opening).reason == ""
    assert Note.objects.filter(case=kept).count() == 1
    assert TeamMember.objects.filter(case=kept).count() == 1


def test_a_person_loses_everything_that_identifies_them(people: dict[str, User]) -> None:
    from infohus.accounts.models import Organisation

    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    person = make_person("Jonas", "Hansen", identifier="010203-1234", phone="+45 12345678", email="j@example.org",
                         address="Street 1", languages="da,ar", gender=Person.Gender.MALE, municipality=aarhus)
    NetworkMember.objects.create(person=person, name="Mother", relation="mother", contact="+45 1")
    other = make_person("Ole", "Olsen")
    NetworkMember.objects.create(person=other, name="Father", relation="father")
    now = timezone.now()

    assert anonymise_people([person.pk], now=now) == 1

    person.refresh_from_db()
    assert person.anonymised_at == now
    assert (person.first_name, person.last_name, person.birth_date, person.identifier_encrypted,
            person.identifier_hash, person.phone, person.email, person.address, person.languages,
            person.search_name, person.gender) == ("", "", None, "", "", "", "", "", "", "", "unknown")
    assert person.municipality_id == aarhus.pk
    assert not NetworkMember.objects.filter(person=person).exists()
    other.refresh_from_db()
    assert other.search_name and NetworkMember.objects.filter(person=other).count() == 1
