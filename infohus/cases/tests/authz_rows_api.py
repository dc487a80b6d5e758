"""Authorisation rows of the desk API's concern, triage and case operations.

Each need-to-know row builds its own object inside `kwargs`, once per person tried (so that a
write by one person does not change what the next one finds), with one row for an object inside
the need-to-know and one for an object outside it:

- concerns: rasmus reported it (his own); rikke is the resource person of the prison; a concern
  of the school's is outside every institution's local assessment here;
- triage: a concern of the demo Info house (ida and per triage there) against one of another
  Info house, which nobody here may open;
- cases: carl leads and mads (mentor) is on the team; outside is a case of ida's, which neither
  carl nor mads is on (ida may, as its lead). ida and per could break the glass but have not, so
  carl's case is a 404 for them.
"""

from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from infohus.accounts.models import Membership, Organisation, User
from infohus.cases.models import Case, Concern, ConcernAttachment, ConsentRecord, Task, TeamMember, TriageMeeting
from infohus.cases.tests.factories import info_house, make_case, make_concern, make_person
from infohus.cases.tests.triage_helpers import concern_at_other_info_house, other_info_house
from tests.authz import ApiRow, allowed

REPORTERS = allowed("rasmus", "rikke", "ida", "carl", "rita", "per", "signe", "kamal")
TRIAGE = allowed("ida", "per")
RESOURCE_PEOPLE = allowed("rikke")
CASE_WORKERS = allowed("ida", "carl", "rita", "per", "signe", "mads", "otto", "pia", "morten")
TEAM = allowed("carl", "mads")
LEAD = allowed("carl")
NOBODY: frozenset[str] = frozenset()
CREATED = frozenset({201})
MATRIX_FILE = "concerns/authz/api-matrix.txt"
TODAY = str(timezone.localdate())


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _prison() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


def _school() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.SCHOOL)


# --- concerns -------------------------------------------------------------------------------------

def _rasmus_concern(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern_id": make_concern(reporter=_user("rasmus")).pk}


def _at_prison(world: dict[str, Any]) -> dict[str, Any]:
    concern = make_concern(reporter=_user("rikke"), status=Concern.Status.LOCAL_ASSESSMENT, institution=_prison())
    return {"concern_id": concern.pk}


def _at_school(world: dict[str, Any]) -> dict[str, Any]:
    concern = make_concern(reporter=_user("rasmus"), status=Concern.Status.LOCAL_ASSESSMENT, institution=_school())
    return {"concern_id": concern.pk}


def _with_attachment(concern: Concern) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    # One small file shared by every row, so that the matrix leaves nothing behind but it.
    if not default_storage.exists(MATRIX_FILE):
        default_storage.save(MATRIX_FILE, ContentFile(b"matrix"))
    ConcernAttachment.objects.create(concern=concern, file=MATRIX_FILE, original_name="notes.txt",
                                     content_type="text/plain", size=6)
    return {"concern_id": concern.pk}


def _attachment_at_prison(world: dict[str, Any]) -> dict[str, Any]:
    return _with_attachment(make_concern(reporter=_user("rikke"), status=Concern.Status.LOCAL_ASSESSMENT,
                                         institution=_prison()))


def _attachment_forwarded_from_prison(world: dict[str, Any]) -> dict[str, Any]:
    return _with_attachment(make_concern(reporter=_user("rikke"), institution=_prison()))


def _attachment_from_school(world: dict[str, Any]) -> dict[str, Any]:
    return _with_attachment(make_concern(reporter=_user("rasmus")))


def _concern_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"observed": "Said that the attack was deserved.", "observed_on": TODAY, "observed_where": "Class 8B",
            "worries": "A new group of friends.", "person_described": "Jonas, 15"}


def _telephone_body(world: dict[str, Any]) -> dict[str, Any]:
    return {**_concern_body(world), "caller_anonymous": True, "caller_relation": "neighbour"}


def _assessment_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "participants": "Rikke, the wing officer", "conclusion": "Nothing further.",
            "decision": "no_concern"}


# --- triage ---------------------------------------------------------------------------------------

def _triage_inside(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern_id": make_concern(reporter=_user("rasmus"), person=make_person()).pk}


def _triage_outside(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern_id": concern_at_other_info_house(person=make_person()).pk}


def _disclosure_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"from_organisation": _school().pk, "summary": "Absent for three weeks.", "legal_basis": "s115_ssp",
            "purpose": "Crime prevention in the SSP collaboration.", "compartment": "general",
            "crime_prevention": True}


def _decision_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "no_further_action", "reason": "Nothing points to radicalisation.", "decided_on": TODAY}


def _findable_person(world: dict[str, Any]) -> dict[str, Any]:
    return {"person": make_concern(person=make_person(), status=Concern.Status.DECIDED).person_id}


def _meeting_at(house: Organisation) -> TriageMeeting:
    return TriageMeeting.objects.create(info_house=house, scheduled_for=timezone.now() + timedelta(days=7))


def _meeting_inside(world: dict[str, Any]) -> dict[str, Any]:
    return {"meeting_id": _meeting_at(info_house()).pk}


def _meeting_outside(world: dict[str, Any]) -> dict[str, Any]:
    return {"meeting_id": _meeting_at(other_info_house()).pk}


def _meeting_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"scheduled_for": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:00"),
            "place": "Room 2", "concerns": []}


def _attendee_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"organisation": info_house().pk, "role": "Police coordinator"}


def _open_concern_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"concern": make_concern(reporter=_user("rasmus")).pk}


def _upcoming_meeting_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"meeting": _meeting_at(info_house()).pk}


# --- cases ----------------------------------------------------------------------------------------

def _inside_case(world: dict[str, Any]) -> Case:
    people = world["people"]
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _outside_case(world: dict[str, Any]) -> Case:
    return make_case(lead=world["people"]["ida"])


def _case(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": _inside_case(world).pk}


def _outside(world: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": _outside_case(world).pk}


def _closed(case: Case) -> dict[str, Any]:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, outcome=Case.Outcome.GOALS_MET)
    return {"case_id": case.pk}


def _closed_case(world: dict[str, Any]) -> dict[str, Any]:
    return _closed(_inside_case(world))


def _closed_outside(world: dict[str, Any]) -> dict[str, Any]:
    return _closed(_outside_case(world))


def _mads_entry(world: dict[str, Any]) -> dict[str, Any]:
    case = _inside_case(world)
    return {"case_id": case.pk, "member_id": TeamMember.objects.get(case=case, user=world["people"]["mads"]).pk}


def _outside_entry(world: dict[str, Any]) -> dict[str, Any]:
    case = make_case(lead=world["people"]["ida"], team={world["people"]["otto"]: "general"})
    return {"case_id": case.pk, "member_id": TeamMember.objects.get(case=case, user=world["people"]["otto"]).pk}


def _task(world: dict[str, Any]) -> dict[str, Any]:
    case = _inside_case(world)
    task = Task.objects.create(case=case, title="Call the school", due_on=timezone.localdate() + timedelta(days=3),
                               assignee=world["people"]["mads"])
    return {"case_id": case.pk, "task_id": task.pk}


def _outside_task(world: dict[str, Any]) -> dict[str, Any]:
    case = _outside_case(world)
    task = Task.objects.create(case=case, title="Call the school", due_on=timezone.localdate() + timedelta(days=3),
                               assignee=world["people"]["ida"])
    return {"case_id": case.pk, "task_id": task.pk}


def _consent_on(case: Case, world: dict[str, Any]) -> dict[str, Any]:
    consent = ConsentRecord.objects.create(case=case, given_by="The person", scope="Talks with the school",
                                           given_on=timezone.localdate() - timedelta(days=7),
                                           recorded_by=case.lead)
    return {"case_id": case.pk, "consent_id": consent.pk}


def _consent(world: dict[str, Any]) -> dict[str, Any]:
    return _consent_on(_inside_case(world), world)


def _outside_consent(world: dict[str, Any]) -> dict[str, Any]:
    return _consent_on(_outside_case(world), world)


def _edit_body(lead: str) -> Any:
    return lambda world: {"version": 1, "review_every_months": 6, "next_review_on": None, "lead": lead}


def _person_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "first_name": "Jonas", "last_name": "Testesen"}


def _close_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "outcome": "goals_met", "reason": "The goals of the plan were met."}


def _team_add_body(world: dict[str, Any]) -> dict[str, Any]:
    membership = Membership.objects.get(user__username="pia")
    return {"membership": membership.pk, "compartments": ["general"]}


def _note_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"compartment": "general", "text": "Met the family."}


def _task_body(assignee: str) -> Any:
    return lambda world: {"title": "Call the school", "due_on": TODAY, "assignee": assignee}


def _review_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"held_on": TODAY, "summary": "Going well."}


def _consent_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"given_by": "The person", "scope": "Talks with the school", "given_on": TODAY}


def _withdraw_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"withdrawn_on": TODAY}


OUTSIDE_CASE = "a case of ida's: outside carl's and mads' need-to-know"

API_ROWS = [
    # concerns
    ApiRow("GET /api/v1/concerns", REPORTERS, note="each reporter's own concerns"),
    ApiRow("POST /api/v1/concerns", REPORTERS, body=_concern_body, ok=CREATED),
    ApiRow("GET /api/v1/concerns/{concern_id}", allowed("rasmus"), kwargs=_rasmus_concern,
           note="only its reporter; everyone else 404 (audited) or 403"),
    ApiRow("POST /api/v1/concerns/telephone", TRIAGE, body=_telephone_body, ok=CREATED),
    ApiRow("GET /api/v1/concerns/local", RESOURCE_PEOPLE),
    ApiRow("GET /api/v1/concerns/local/{concern_id}", RESOURCE_PEOPLE, kwargs=_at_prison,
           note="a concern of rikke's prison"),
    ApiRow("GET /api/v1/concerns/local/{concern_id}", NOBODY, kwargs=_at_school,
           note="an institution where nobody here is the resource person"),
    ApiRow("POST /api/v1/concerns/local/{concern_id}/assessment", RESOURCE_PEOPLE, kwargs=_at_prison,
           body=_assessment_body, ok=CREATED),
    ApiRow("POST /api/v1/concerns/local/{concern_id}/assessment", NOBODY, kwargs=_at_school,
           body=_assessment_body, note="another institution's concern"),
    ApiRow("GET /api/v1/concerns/{concern_id}/attachments", RESOURCE_PEOPLE, kwargs=_attachment_at_prison,
           note="still with the institution: not yet the Info house's"),
    ApiRow("GET /api/v1/concerns/{concern_id}/attachments", allowed("rikke", "ida", "per"),
           kwargs=_attachment_forwarded_from_prison, note="forwarded: the institution and the Info house"),
    ApiRow("GET /api/v1/concerns/{concern_id}/attachments", TRIAGE, kwargs=_attachment_from_school,
           note="the reporter sees status only, not the attachments"),
    # triage
    ApiRow("GET /api/v1/triage/queue", TRIAGE),
    ApiRow("GET /api/v1/triage/concerns/{concern_id}", TRIAGE, kwargs=_triage_inside),
    ApiRow("GET /api/v1/triage/concerns/{concern_id}", NOBODY, kwargs=_triage_outside,
           note="a concern at another Info house"),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/take", TRIAGE, kwargs=_triage_inside),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/take", NOBODY, kwargs=_triage_outside),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/disclosures", TRIAGE, kwargs=_triage_inside,
           body=_disclosure_body, ok=CREATED),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/disclosures", NOBODY, kwargs=_triage_outside,
           body=_disclosure_body),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/decision", TRIAGE, kwargs=_triage_inside,
           body=_decision_body, ok=CREATED),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/decision", NOBODY, kwargs=_triage_outside,
           body=_decision_body),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/people/search", TRIAGE, kwargs=_triage_inside,
           body=lambda world: {"name": "Jonas"}),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/people/search", NOBODY, kwargs=_triage_outside,
           body=lambda world: {"name": "Jonas"}),
    ApiRow("PUT /api/v1/triage/concerns/{concern_id}/person", TRIAGE, kwargs=_triage_inside, body=_findable_person,
           note="a person of an earlier concern of the demo Info house"),
    ApiRow("PUT /api/v1/triage/concerns/{concern_id}/person", NOBODY, kwargs=_triage_outside, body=_findable_person),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/people", TRIAGE, kwargs=_triage_inside,
           body=lambda world: {"first_name": "Jonas"}, ok=CREATED),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/people", NOBODY, kwargs=_triage_outside,
           body=lambda world: {"first_name": "Jonas"}),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/agenda", TRIAGE, kwargs=_triage_inside,
           body=_upcoming_meeting_body),
    ApiRow("POST /api/v1/triage/concerns/{concern_id}/agenda", NOBODY, kwargs=_triage_outside,
           body=_upcoming_meeting_body),
    ApiRow("GET /api/v1/triage/meetings", TRIAGE, note="each Info house's own"),
    ApiRow("POST /api/v1/triage/meetings", TRIAGE, body=_meeting_body, ok=CREATED,
           note="at the Info house the token acts for"),
    ApiRow("GET /api/v1/triage/meetings/{meeting_id}", TRIAGE, kwargs=_meeting_inside),
    ApiRow("GET /api/v1/triage/meetings/{meeting_id}", NOBODY, kwargs=_meeting_outside,
           note="another Info house's meeting"),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/attendees", TRIAGE, kwargs=_meeting_inside,
           body=_attendee_body, ok=CREATED),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/attendees", NOBODY, kwargs=_meeting_outside,
           body=_attendee_body),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/agenda", TRIAGE, kwargs=_meeting_inside,
           body=_open_concern_body),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/agenda", NOBODY, kwargs=_meeting_outside,
           body=_open_concern_body),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/held", TRIAGE, kwargs=_meeting_inside),
    ApiRow("POST /api/v1/triage/meetings/{meeting_id}/held", NOBODY, kwargs=_meeting_outside),
    # cases
    ApiRow("GET /api/v1/cases", CASE_WORKERS, note="every role that works on cases; the list holds only their own"),
    ApiRow("GET /api/v1/cases/{case_id}", TEAM, kwargs=_case),
    ApiRow("GET /api/v1/cases/{case_id}", allowed("ida"), kwargs=_outside, note=OUTSIDE_CASE),
    ApiRow("PUT /api/v1/cases/{case_id}", LEAD, kwargs=_case, body=_edit_body("carl")),
    ApiRow("PUT /api/v1/cases/{case_id}", allowed("ida"), kwargs=_outside, body=_edit_body("ida"), note=OUTSIDE_CASE),
    ApiRow("PUT /api/v1/cases/{case_id}/person", LEAD, kwargs=_case, body=_person_body),
    ApiRow("PUT /api/v1/cases/{case_id}/person", allowed("ida"), kwargs=_outside, body=_person_body,
           note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/close", LEAD, kwargs=_case, body=_close_body),
    ApiRow("POST /api/v1/cases/{case_id}/close", allowed("ida"), kwargs=_outside, body=_close_body,
           note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/reopen", LEAD, kwargs=_closed_case, body=lambda world: {"version": 1}),
    ApiRow("POST /api/v1/cases/{case_id}/reopen", allowed("ida"), kwargs=_closed_outside,
           body=lambda world: {"version": 1}, note=OUTSIDE_CASE),
    ApiRow("GET /api/v1/cases/{case_id}/team", TEAM, kwargs=_case),
    ApiRow("GET /api/v1/cases/{case_id}/team", allowed("ida"), kwargs=_outside, note=OUTSIDE_CASE),
    ApiRow("GET /api/v1/cases/{case_id}/team/candidates", LEAD, kwargs=_case),
    ApiRow("GET /api/v1/cases/{case_id}/team/candidates", allowed("ida"), kwargs=_outside, note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/team", LEAD, kwargs=_case, body=_team_add_body, ok=CREATED),
    ApiRow("POST /api/v1/cases/{case_id}/team", allowed("ida"), kwargs=_outside, body=_team_add_body, ok=CREATED,
           note=OUTSIDE_CASE),
    ApiRow("PATCH /api/v1/cases/{case_id}/team/{member_id}", LEAD, kwargs=_mads_entry,
           body=lambda world: {"compartments": ["general"]}),
    ApiRow("PATCH /api/v1/cases/{case_id}/team/{member_id}", allowed("ida"), kwargs=_outside_entry,
           body=lambda world: {"compartments": ["general"]}, note=OUTSIDE_CASE),
    ApiRow("DELETE /api/v1/cases/{case_id}/team/{member_id}", LEAD, kwargs=_mads_entry, ok=frozenset({204})),
    ApiRow("DELETE /api/v1/cases/{case_id}/team/{member_id}", allowed("ida"), kwargs=_outside_entry,
           ok=frozenset({204}), note=OUTSIDE_CASE),
    ApiRow("GET /api/v1/cases/{case_id}/notes", TEAM, kwargs=_case),
    ApiRow("GET /api/v1/cases/{case_id}/notes", allowed("ida"), kwargs=_outside, note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/notes", TEAM, kwargs=_case, body=_note_body, ok=CREATED),
    ApiRow("POST /api/v1/cases/{case_id}/notes", allowed("ida"), kwargs=_outside, body=_note_body, ok=CREATED,
           note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/tasks", TEAM, kwargs=_case, body=_task_body("mads"), ok=CREATED),
    ApiRow("POST /api/v1/cases/{case_id}/tasks", allowed("ida"), kwargs=_outside, body=_task_body("ida"),
           ok=CREATED, note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/tasks/{task_id}/done", TEAM, kwargs=_task,
           note="mads is the assignee; carl manages the case"),
    ApiRow("POST /api/v1/cases/{case_id}/tasks/{task_id}/done", allowed("ida"), kwargs=_outside_task,
           note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/reviews", LEAD, kwargs=_case, body=_review_body, ok=CREATED),
    ApiRow("POST /api/v1/cases/{case_id}/reviews", allowed("ida"), kwargs=_outside, body=_review_body, ok=CREATED,
           note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/consents", LEAD, kwargs=_case, body=_consent_body, ok=CREATED),
    ApiRow("POST /api/v1/cases/{case_id}/consents", allowed("ida"), kwargs=_outside, body=_consent_body,
           ok=CREATED, note=OUTSIDE_CASE),
    ApiRow("POST /api/v1/cases/{case_id}/consents/{consent_id}/withdraw", LEAD, kwargs=_consent,
           body=_withdraw_body),
    ApiRow("POST /api/v1/cases/{case_id}/consents/{consent_id}/withdraw", allowed("ida"), kwargs=_outside_consent,
           body=_withdraw_body, note=OUTSIDE_CASE),
]
