"""The Info house's decision: its reason and date, a case for a statutory offer, a published
project for a referral, and a general outcome for the reporter."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, TeamMember, TriageDecision
from infohus.cases.services.triage import decide, next_review_after
from infohus.cases.tests.factories import make_concern, make_person
from infohus.directory.tests.factories import make_project

K = TriageDecision.Kind


def url(concern: Concern) -> str:
    return f"/desk/triage/concerns/{concern.pk}/decide/"


def aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def today() -> str:
    return timezone.localdate().isoformat()


def test_statutory_offer_opens_a_case_with_its_team(people: dict[str, User],
                                                    signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(person=make_person(), status=Concern.Status.IN_TRIAGE, reporter=people["rasmus"])
    response = signed_in("ida").post(url(concern), {
        "kind": K.STATUTORY_OFFER, "reason": "A mentor can help him back to school.", "decided_on": today(),
        "owner": aarhus().pk, "lead": people["carl"].pk})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.person, case.owner, case.lead) == (concern.person, aarhus(), people["carl"])
    assert case.reference.startswith(f"S-{timezone.localdate().year}-")
    assert case.next_review_on == next_review_after(timezone.localdate())
    team = {m.user.username: (m.role, m.compartments) for m in TeamMember.objects.filter(case=case)}
    assert team == {"carl": ("case_worker", "general"), "ida": ("infohouse_coordinator", "general,police")}
    concern.refresh_from_db()
    assert concern.status == Concern.Status.DECIDED
    assert concern.decision.case == case
    assert concern.outcome_for_reporter == "The Info house has assessed your concern and support has been offered."
    assert AuditEvent.objects.filter(action="case.opened", person_id=str(concern.person_id)).exists()
    assert AuditEvent.objects.filter(action="concern.decided", person_id=str(concern.person_id)).exists()


def test_police_liaison_on_the_team_gets_general_and_police(people: dict[str, User]) -> None:
    concern = make_concern(person=make_person())
    decision = decide(actor=people["per"], concern=concern, kind=K.STATUTORY_OFFER, reason="Mentor",
                      decided_on=timezone.localdate(), owner=aarhus(), lead=people["carl"])
    assert decision.case is not None
    assert TeamMember.objects.get(case=decision.case, user=people["per"]).compartments == "general,police"


def test_statutory_offer_needs_an_owner_a_lead_who_manages_cases_and_a_person(
        people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(person=make_person())
    client = signed_in("ida")
    base = {"kind": K.STATUTORY_OFFER, "reason": "Mentor", "decided_on": today()}
    body = client.post(url(concern), base).content.decode()
    assert "needs the municipality" in body and "needs the case" in body
    mads_the_mentor = {**base, "owner": aarhus().pk, "lead": people["mads"].pk}
    assert "Select a valid choice" in client.post(url(concern), mads_the_mentor).content.decode()
    carl_elsewhere = {**base, "owner": Organisation.objects.get(name__startswith="Randers").pk,
                      "lead": people["carl"].pk}
    assert "manages cases in the owning municipality" in client.post(url(concern), carl_elsewhere).content.decode()
    assert not Case.objects.exists()
    with pytest.raises(ValidationError, match="person's record"):
        decide(actor=people["ida"], concern=make_concern(), kind=K.STATUTORY_OFFER, reason="x",
               decided_on=timezone.localdate(), owner=aarhus(), lead=people["carl"])


def test_referral_needs_a_published_project(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    concern = make_concern(person=make_person())
    hidden = make_project("Hidden project", published=False)
    published = make_project("Back on Track")
    client = signed_in("ida")
    base = {"kind": K.REFERRAL, "reason": "Fits the programme", "decided_on": today()}
    assert "needs a published project" in client.post(url(concern), base).content.decode()
    unpublished = client.post(url(concern), {**base, "referred_project": hidden.pk})
    assert "Select a valid choice" in unpublished.content.decode()
    with pytest.raises(ValidationError, match="published project"):
        decide(actor=people["ida"], concern=concern, kind=K.REFERRAL, reason="x", decided_on=timezone.localdate(),
               referred_project=hidden)
    assert client.post(url(concern), {**base, "referred_project": published.pk}).status_code == 302
    concern.refresh_from_db()
    assert concern.decision.referred_project == published


def test_decision_needs_a_reason_and_a_date_not_in_the_future(people: dict[str, User],
                                                              signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = signed_in("ida").post(url(concern), {"kind": K.NO_FURTHER_ACTION, "reason": "",
                                                "decided_on": tomorrow}).content.decode()
    assert "The date of the decision cannot be in the future." in body
    assert "This field is required." in body
    assert not TriageDecision.objects.exists()


def test_no_further_action_tells_the_reporter_in_general_terms(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    decide(actor=people["ida"], concern=concern, kind=K.NO_FURTHER_ACTION, reason="Misunderstanding at school.",
           decided_on=timezone.localdate())
    concern.refresh_from_db()
    assert concern.status == Concern.Status.DECIDED
    assert concern.outcome_for_reporter == "The Info house has assessed your concern. No further action is needed."
    assert "Misunderstanding" not in concern.outcome_for_reporter


def test_a_concern_is_decided_once(people: dict[str, User], signed_in: Callable[[str], Client]) -> None:
    concern = make_concern()
    decide(actor=people["ida"], concern=concern, kind=K.ADVICE_TO_REPORTER, reason="x",
           decided_on=timezone.localdate())
    with pytest.raises(ValidationError, match="already been decided"):
        decide(actor=people["per"], concern=concern, kind=K.POLICE_OR_SECURITY, reason="y",
               decided_on=timezone.localdate())
    assert signed_in("per").get(url(concern)).status_code == 302
