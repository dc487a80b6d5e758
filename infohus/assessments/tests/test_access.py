"""Who reaches an assessment: the case team in the compartments they see, a break-the-glass reader
read-only, the Info house at triage, and the case team of the case a triage decision opened.
Everyone else gets a 404, and the refusal is on the audit trail."""

from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from infohus.accounts.models import User
from infohus.assessments.models import Assessment, InstrumentVersion
from infohus.assessments.selectors.access import (
    assessment_for_user,
    holder_for_case,
    holder_for_concern,
    holder_of_case_access,
    holder_of_triaged_concern,
)
from infohus.assessments.tests.factories import make_assessment, published, small_definition
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, TriageDecision
from infohus.cases.selectors.need_to_know import case_access
from infohus.cases.selectors.triage import concern_for_triage
from infohus.cases.tests.factories import grant_break_glass, make_case, make_concern, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house

pytestmark = pytest.mark.django_db
PURPOSE = "test"


@pytest.fixture
def triage_version() -> InstrumentVersion:
    return published(small_definition(slug="test-triage", use="triage"))


def _on_case(version: InstrumentVersion, case: Case, author: User, compartment: str = "general") -> Assessment:
    return make_assessment(version=version, author=author, case=case, compartment=compartment,
                           answers={"summary": "In school again"})


def _events(action: str, **filters: Any) -> int:
    return AuditEvent.objects.filter(action=action, **filters).count()


# --- case team ---------------------------------------------------------------------------------------

def test_team_member_writes_in_the_compartments_of_their_entry(people: dict[str, User], team_case: Case) -> None:
    holder = holder_for_case(people["signe"], team_case.pk, purpose=PURPOSE)
    assert holder.may_write and holder.use == "case"
    assert holder.compartments == frozenset({"general", "health"})
    assert holder.person_id == team_case.person_id


def test_nobody_writes_on_a_closed_case(people: dict[str, User], team_case: Case) -> None:
    Case.objects.filter(pk=team_case.pk).update(status=Case.Status.CLOSED)
    holder = holder_for_case(people["carl"], team_case.pk, purpose=PURPOSE)
    assert not holder.may_write


def test_team_member_reads_an_assessment_and_the_read_is_audited(people: dict[str, User], team_case: Case,
                                                                  small_version: InstrumentVersion) -> None:
    assessment = _on_case(small_version, team_case, people["carl"])
    access = assessment_for_user(people["mads"], assessment.pk, purpose=PURPOSE)
    assert access.assessment == assessment and access.holder.case == team_case
    event = AuditEvent.objects.get(action="assessment.viewed", object_id=str(assessment.pk))
    assert event.actor_id == people["mads"].pk and event.person_id == str(team_case.person_id)
    assert event.details["compartment"] == "general" and event.details["case"] == team_case.pk


def test_a_read_without_audit_leaves_no_event(people: dict[str, User], team_case: Case,
                                              small_version: InstrumentVersion) -> None:
    assessment = _on_case(small_version, team_case, people["carl"])
    assessment_for_user(people["mads"], assessment.pk, purpose=PURPOSE, audit=False)
    assert _events("assessment.viewed") == 0 and _events("case.viewed") == 0


def test_mentor_cannot_open_a_health_assessment_that_the_psychiatry_liaison_can(
        people: dict[str, User], team_case: Case, small_version: InstrumentVersion) -> None:
    assessment = _on_case(small_version, team_case, people["signe"], compartment="health")
    with pytest.raises(Http404):
        assessment_for_user(people["mads"], assessment.pk, purpose=PURPOSE)
    refusal = AuditEvent.objects.get(action="assessment.refused", actor_id=people["mads"].pk)
    assert refusal.details == {"exists": True, "compartment": "health"}
    assert _events("assessment.viewed") == 0
    assert assessment_for_user(people["signe"], assessment.pk, purpose=PURPOSE).assessment == assessment


def test_the_case_worker_does_not_see_health_either(people: dict[str, User], team_case: Case,
                                                    small_version: InstrumentVersion) -> None:
    assessment = _on_case(small_version, team_case, people["signe"], compartment="health")
    with pytest.raises(Http404):
        assessment_for_user(people["carl"], assessment.pk, purpose=PURPOSE)


def test_outsider_gets_404_and_both_refusals_are_audited(people: dict[str, User], team_case: Case,
                                                         small_version: InstrumentVersion) -> None:
    assessment = _on_case(small_version, team_case, people["carl"])
    with pytest.raises(Http404):
        assessment_for_user(people["otto"], assessment.pk, purpose=PURPOSE)
    assert _events("case.refused", actor_id=people["otto"].pk, object_id=str(team_case.pk)) == 1
    refusal = AuditEvent.objects.get(action="assessment.refused", actor_id=people["otto"].pk)
    assert refusal.object_id == str(assessment.pk) and refusal.details == {"exists": True}


def test_an_assessment_that_does_not_exist_is_refused_like_one_out_of_reach(people: dict[str, User]) -> None:
    with pytest.raises(Http404):
        assessment_for_user(people["carl"], 999_999, purpose=PURPOSE)
    assert AuditEvent.objects.get(action="assessment.refused").details == {"exists": False}


# --- break the glass -------------------------------------------------------------------------------

def test_break_the_glass_reader_reads_but_does_not_write(people: dict[str, User], team_case: Case,
                                                         small_version: InstrumentVersion) -> None:
    grant_break_glass(team_case, people["ida"])
    assessment = _on_case(small_version, team_case, people["carl"])
    access = assessment_for_user(people["ida"], assessment.pk, purpose=PURPOSE)
    assert access.assessment == assessment
    assert not access.holder.may_write


# --- triage ----------------------------------------------------------------------------------------

def test_the_info_house_writes_on_a_concern_until_it_is_decided(people: dict[str, User]) -> None:
    concern = make_concern(person=make_person())
    holder = holder_for_concern(people["ida"], concern.pk, purpose=PURPOSE)
    assert holder.may_write and holder.use == "triage" and holder.concern == concern
    assert holder.compartments == frozenset({"general", "police"})
    assert holder_for_concern(people["per"], concern.pk, purpose=PURPOSE).compartments == frozenset(
        {"general", "police", "intelligence"})
    Concern.objects.filter(pk=concern.pk).update(status=Concern.Status.DECIDED)
    assert not holder_for_concern(people["ida"], concern.pk, purpose=PURPOSE).may_write


def test_another_info_house_and_case_workers_cannot_reach_a_concern(people: dict[str, User],
                                                                    triage_version: InstrumentVersion) -> None:
    elsewhere = concern_at_other_info_house(person=make_person())
    assessment = make_assessment(version=triage_version, author=people["ida"], concern=elsewhere)
    with pytest.raises(Http404):
        holder_for_concern(people["ida"], elsewhere.pk, purpose=PURPOSE)
    with pytest.raises(Http404):
        assessment_for_user(people["ida"], assessment.pk, purpose=PURPOSE)
    here = make_assessment(version=triage_version, author=people["ida"], concern=make_concern(person=make_person()))
    with pytest.raises(Http404):
        assessment_for_user(people["carl"], here.pk, purpose=PURPOSE)
    assert _events("assessment.refused") == 2


def test_an_info_house_analysis_travels_to_the_case_the_decision_opened(
        people: dict[str, User], triage_version: InstrumentVersion) -> None:
    person = make_person()
    concern = make_concern(person=person, status=Concern.Status.DECIDED)
    analysis = make_assessment(version=triage_version, author=people["ida"], concern=concern, signed=True)
    case = make_case(person=person, lead=people["carl"], team={people["mads"]: "general"})
    with pytest.raises(Http404):
        assessment_for_user(people["carl"], analysis.pk, purpose=PURPOSE)

    TriageDecision.objects.create(concern=concern, kind=TriageDecision.Kind.STATUTORY_OFFER, reason="A mentor.",
                                  decided_on=timezone.localdate(), decided_by=people["ida"], case=case)
    before = _events("concern.refused")
    access = assessment_for_user(people["carl"], analysis.pk, purpose=PURPOSE)
    assert access.holder.case == case and not access.holder.may_write
    # Reading it through the case is not recorded as an attempt on the concern at triage.
    assert _events("concern.refused") == before
    assert assessment_for_user(people["ida"], analysis.pk, purpose=PURPOSE).holder.concern == concern
    with pytest.raises(Http404):
        assessment_for_user(people["otto"], analysis.pk, purpose=PURPOSE)


# --- holders built from what a page already opened ----------------------------------------------------

def test_holders_from_an_opened_case_or_concern_add_no_audit_event(people: dict[str, User],
                                                                  team_case: Case) -> None:
    access = case_access(people["mads"], team_case.pk, purpose=PURPOSE, audit=False)
    holder = holder_of_case_access(access)
    assert holder.may_write and holder.compartments == frozenset({"general"}) and holder.case_access is access

    concern = concern_for_triage(people["ida"], make_concern(person=make_person()).pk, audit=False)
    assert holder_of_triaged_concern(people["ida"], concern).compartments == frozenset({"general", "police"})
    assert AuditEvent.objects.count() == 0


def test_a_coordinator_who_does_not_triage_there_sees_no_compartment(people: dict[str, User]) -> None:
    concern = concern_at_other_info_house(person=make_person())
    assert holder_of_triaged_concern(people["ida"], concern).compartments == frozenset()
