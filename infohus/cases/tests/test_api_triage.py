"""Info-house triage through the API: the queue and its filters, a concern at triage (only the
caller's own Info houses, disclosures only in the compartments of their role), taking it in,
recording what was shared, and the decision with the page's checks."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Case, Concern, Disclosure, LegalBasis, TriageDecision, TriageMeeting
from infohus.cases.tests.factories import info_house, make_concern, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house
from infohus.directory.tests.factories import make_project
from tests.api import api_client, json_of

pytestmark = pytest.mark.django_db

S = Concern.Status
TOKEN = 3  # the token, the acting membership, at most once a minute the token's last use
AUDIT = 4 + (1 if connection.vendor == "postgresql" else 0)
TODAY = str(timezone.localdate())


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def _school() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.SCHOOL)


def _aarhus() -> Organisation:
    return Organisation.objects.get(name__startswith="Aarhus")


def _disclosure(concern: Concern, author: User, compartment: str, summary: str) -> Disclosure:
    return Disclosure.objects.create(person=concern.person, concern=concern, from_organisation=_school(),
                                     summary=summary, legal_basis=LegalBasis.S115_SSP, purpose="Prevention",
                                     compartment=compartment, recorded_by=author)


# --- the queue ------------------------------------------------------------------------------------

def test_queue_holds_open_concerns_of_the_info_house_urgent_first(people: dict[str, User]) -> None:
    old = make_concern(reporter=people["rasmus"])
    urgent = make_concern(reporter=people["rasmus"], urgent=True, person=make_person())
    make_concern(reporter=people["rasmus"], status=S.DECIDED)
    concern_at_other_info_house()

    body = json_of(api_client(people["ida"]).get("/api/v1/triage/queue"))

    assert [c["id"] for c in body["results"]] == [urgent.pk, old.pk]
    assert body["results"][0]["person"]["name"] == "Jonas Testesen"
    assert body["results"][1]["person"] is None
    viewed = AuditEvent.objects.get(action="triage.queue_viewed", actor_id=people["ida"].pk)
    assert viewed.details == {"concerns": [urgent.pk, old.pk]}


def test_queue_filters_by_status_and_urgency(people: dict[str, User]) -> None:
    waiting = make_concern(reporter=people["rasmus"])
    taken = make_concern(reporter=people["rasmus"], status=S.IN_TRIAGE, urgent=True)
    client = api_client(people["per"])

    in_triage = json_of(client.get("/api/v1/triage/queue?status=in_triage"))
    not_urgent = json_of(client.get("/api/v1/triage/queue?urgent=false"))

    assert [c["id"] for c in in_triage["results"]] == [taken.pk]
    assert [c["id"] for c in not_urgent["results"]] == [waiting.pk]
    assert client.get("/api/v1/triage/queue?status=decided").status_code == 422


def test_queue_is_for_the_info_house(people: dict[str, User]) -> None:
    assert api_client(people["carl"]).get("/api/v1/triage/queue").status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_queue_queries_do_not_grow(people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    for i in range(rows):
        make_concern(reporter=people["rasmus"], person=make_person() if i % 2 else None)
    client = api_client(people["ida"])
    # the count, one page with the people and organisations, the audit event
    with django_assert_max_num_queries(TOKEN + 2 + AUDIT):
        response = client.get("/api/v1/triage/queue?page_size=100")
    assert json_of(response)["count"] == rows


# --- a concern at triage --------------------------------------------------------------------------

def test_concern_at_triage_is_read_and_audited_like_the_page(people: dict[str, User], signed_in: Any,
                                                           django_assert_max_num_queries: Any) -> None:
    concern = make_concern(reporter=people["rasmus"], person=make_person())
    client = api_client(people["ida"])

    # the concern, the audit event, its disclosures, its meetings
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT):
        body = json_of(client.get(f"/api/v1/triage/concerns/{concern.pk}"))
    signed_in("ida").get(f"/desk/triage/concerns/{concern.pk}/")

    assert (body["reference"], body["person"]["name"], body["decision"]) == (concern.reference, "Jonas Testesen", None)
    api_read, page_read = AuditEvent.objects.filter(action="concern.viewed", object_id=str(concern.pk)).order_by("seq")
    assert api_read.actor_id == page_read.actor_id == people["ida"].pk
    assert api_read.purpose == "api: Info-house triage"


@pytest.mark.parametrize("rows", [1, 10])
def test_concern_queries_do_not_grow_with_disclosures_and_meetings(
        people: dict[str, User], django_assert_max_num_queries: Any, rows: int) -> None:
    concern = make_concern(reporter=people["rasmus"], person=make_person())
    for i in range(rows):
        _disclosure(concern, people["ida"], "general", f"Shared {i}")
        TriageMeeting.objects.create(info_house=info_house(), scheduled_for=timezone.now()).concerns.add(concern)
    client = api_client(people["ida"])
    with django_assert_max_num_queries(TOKEN + 3 + AUDIT):
        body = json_of(client.get(f"/api/v1/triage/concerns/{concern.pk}"))
    assert (len(body["disclosures"]), len(body["meetings"])) == (rows, rows)


def test_disclosures_are_shown_only_in_the_roles_compartments(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"], person=make_person())
    _disclosure(concern, people["per"], "general", "Absent from school.")
    _disclosure(concern, people["per"], "intelligence", "Seen with a known recruiter.")

    coordinator = json_of(api_client(people["ida"]).get(f"/api/v1/triage/concerns/{concern.pk}"))
    police = json_of(api_client(people["per"]).get(f"/api/v1/triage/concerns/{concern.pk}"))

    assert [d["summary"] for d in coordinator["disclosures"]] == ["Absent from school."]
    assert {d["summary"] for d in police["disclosures"]} == {"Absent from school.", "Seen with a known recruiter."}


def test_a_concern_at_triage_is_for_the_info_house(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    assert api_client(people["carl"]).get(f"/api/v1/triage/concerns/{concern.pk}").status_code == 403
    assert api_client(people["rasmus"]).get(f"/api/v1/triage/concerns/{concern.pk}").status_code == 403


def test_another_info_houses_concern_is_404_and_audited(people: dict[str, User]) -> None:
    concern = concern_at_other_info_house()

    assert api_client(people["ida"]).get(f"/api/v1/triage/concerns/{concern.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="concern.refused", object_id=str(concern.pk)).exists()


def test_a_telephone_concern_names_the_caller_as_the_page_does(people: dict[str, User]) -> None:
    concern = make_concern(channel=Concern.Channel.TELEPHONE, caller_name="Hanne", caller_relation="mother",
                           caller_contact="+45 1234 5678")

    body = json_of(api_client(people["ida"]).get(f"/api/v1/triage/concerns/{concern.pk}"))

    assert body["caller"] == {"anonymous": False, "name": "Hanne", "relation": "mother"}
    assert "+45 1234 5678" not in str(body)


def test_the_reporters_description_is_shown_until_a_record_is_linked(people: dict[str, User]) -> None:
    unknown = make_concern(person_described="Jonas, 15, class 8B")
    linked = make_concern(person_described="Jonas, 15, class 8B", person=make_person())
    client = api_client(people["ida"])

    assert json_of(client.get(f"/api/v1/triage/concerns/{unknown.pk}"))["person_described"] == "Jonas, 15, class 8B"
    assert json_of(client.get(f"/api/v1/triage/concerns/{linked.pk}"))["person_described"] == ""


# --- taking it in ---------------------------------------------------------------------------------

def test_taking_a_concern_into_triage(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])

    response = _post(api_client(people["per"]), f"/api/v1/triage/concerns/{concern.pk}/take")

    assert response.status_code == 200
    assert json_of(response)["status"] == "in_triage"
    concern.refresh_from_db()
    assert concern.status == S.IN_TRIAGE
    assert AuditEvent.objects.filter(action="concern.triage_started", object_id=str(concern.pk)).exists()


def test_taking_in_is_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    outside = concern_at_other_info_house()
    inside = make_concern(reporter=people["rasmus"])

    assert _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{outside.pk}/take").status_code == 404
    assert _post(api_client(people["carl"]), f"/api/v1/triage/concerns/{inside.pk}/take").status_code == 403
    assert set(Concern.objects.values_list("status", flat=True)) == {S.AWAITING_TRIAGE}


def test_a_decided_concern_cannot_be_taken_in(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"], status=S.DECIDED)
    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/take")
    assert response.status_code == 422


# --- disclosures ----------------------------------------------------------------------------------

def _shared(**overrides: Any) -> dict[str, Any]:
    body = {"from_organisation": _school().pk, "to_organisation": _aarhus().pk, "summary": "Absent for six weeks.",
            "legal_basis": "s115_ssp", "purpose": "To plan a concern conversation.", "compartment": "general",
            "crime_prevention": True}
    body.update(overrides)
    return body


def test_a_disclosure_is_recorded_with_its_basis(people: dict[str, User]) -> None:
    concern = make_concern(person=make_person(), status=S.IN_TRIAGE)

    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/disclosures", _shared())

    assert response.status_code == 201
    disclosure = Disclosure.objects.get()
    assert json_of(response)["id"] == disclosure.pk
    assert (disclosure.person, disclosure.legal_basis) == (concern.person, "s115_ssp")
    assert AuditEvent.objects.filter(action="disclosure.recorded", object_id=str(disclosure.pk)).exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"crime_prevention": False}, "crime_prevention"),
    ({"legal_basis": "other_law"}, "other_law"),
    ({"compartment": "intelligence"}, "compartment"),
    ({"from_organisation": 999_999}, "from_organisation"),
])
def test_the_pages_checks_answer_422(people: dict[str, User], change: dict[str, Any], field: str) -> None:
    concern = make_concern(person=make_person(), status=S.IN_TRIAGE)

    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/disclosures",
                     _shared(**change))

    assert response.status_code == 422
    assert field in json_of(response)["error"]["fields"]
    assert not Disclosure.objects.exists()


def test_a_disclosure_needs_the_persons_record(people: dict[str, User]) -> None:
    concern = make_concern(status=S.IN_TRIAGE)
    response = _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{concern.pk}/disclosures", _shared())
    assert response.status_code == 422
    assert "__all__" in json_of(response)["error"]["fields"]
    assert not Disclosure.objects.exists()


def test_disclosures_are_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    outside = concern_at_other_info_house(person=make_person())
    inside = make_concern(person=make_person())

    assert _post(api_client(people["ida"]), f"/api/v1/triage/concerns/{outside.pk}/disclosures",
                 _shared()).status_code == 404
    assert _post(api_client(people["signe"]), f"/api/v1/triage/concerns/{inside.pk}/disclosures",
                 _shared()).status_code == 403
    assert not Disclosure.objects.exists()


# --- the decision ---------------------------------------------------------------------------------

def _decide(client: Client, concern: Concern, **overrides: Any) -> Any:
    body = {"kind": "no_further_action", "reason": "Nothing points to radicalisation.", "decided_on": TODAY}
    body.update(overrides)
    return _post(client, f"/api/v1/triage/concerns/{concern.pk}/decision", body)


def test_no_further_action_tells_the_reporter_in_general_terms(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"], status=S.IN_TRIAGE)

    response = _decide(api_client(people["ida"]), concern)

    assert response.status_code == 201
    body = json_of(response)
    assert (body["kind"], body["case"], body["decided_by"]["username"]) == ("no_further_action", None, "ida")
    assert body["outcome_for_reporter"] == "The Info house has assessed your concern. No further action is needed."
    concern.refresh_from_db()
    assert concern.status == S.DECIDED


def test_a_statutory_offer_opens_a_case_with_its_lead(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"], person=make_person(), status=S.IN_TRIAGE)

    response = _decide(api_client(people["ida"]), concern, kind="statutory_offer", owner=_aarhus().pk, lead="carl",
                       reason="A mentor can help him back to school.")

    assert response.status_code == 201
    case = Case.objects.get()
    assert json_of(response)["case"] == {"id": case.pk, "reference": case.reference}
    assert (case.lead, case.owner, case.person) == (people["carl"], _aarhus(), concern.person)


def test_a_referral_names_a_published_project_by_its_slug(people: dict[str, User]) -> None:
    project = make_project("Back on Track mentoring")
    hidden = make_project("Unpublished", published=False)
    concern = make_concern(reporter=people["rasmus"], status=S.IN_TRIAGE)
    client = api_client(people["ida"])

    refused = _decide(client, concern, kind="referral", referred_project=hidden.slug)
    response = _decide(client, concern, kind="referral", referred_project=project.slug)

    assert refused.status_code == 422
    assert set(json_of(refused)["error"]["fields"]) == {"referred_project"}
    assert json_of(response)["referred_project"] == {"slug": project.slug, "title": "Back on Track mentoring"}


@pytest.mark.parametrize(("change", "fields"), [
    ({"kind": "statutory_offer"}, {"owner", "lead"}),
    ({"kind": "statutory_offer", "owner": 999_999, "lead": "mads"}, {"owner", "lead"}),
    ({"decided_on": str(timezone.localdate() + timedelta(days=1))}, {"decided_on"}),
    ({"reason": " "}, {"reason"}),
    ({"kind": "shrug"}, {"kind"}),
])
def test_the_decision_forms_checks_answer_422(people: dict[str, User], change: dict[str, Any],
                                              fields: set[str]) -> None:
    concern = make_concern(reporter=people["rasmus"], person=make_person(), status=S.IN_TRIAGE)

    response = _decide(api_client(people["ida"]), concern, **change)

    assert response.status_code == 422
    assert set(json_of(response)["error"]["fields"]) == fields
    assert not TriageDecision.objects.exists()
    assert not Case.objects.exists()


def test_a_concern_is_decided_once(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"], status=S.IN_TRIAGE)
    client = api_client(people["ida"])
    assert _decide(client, concern).status_code == 201

    again = _decide(client, concern, kind="advice_to_reporter")

    assert again.status_code == 409
    assert TriageDecision.objects.get().kind == "no_further_action"


def test_decisions_are_refused_outside_and_for_other_roles(people: dict[str, User]) -> None:
    outside = concern_at_other_info_house()
    inside = make_concern(reporter=people["rasmus"])

    assert _decide(api_client(people["ida"]), outside).status_code == 404
    assert _decide(api_client(people["carl"]), inside).status_code == 403
    assert not TriageDecision.objects.exists()
