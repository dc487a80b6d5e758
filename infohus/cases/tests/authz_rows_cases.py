"""Authorisation-matrix rows of the case pages. Each need-to-know row builds its own case (kwargs
is called once per person), so a POST by one person does not change what the next one finds.

Inside: carl leads and mads (mentor) is on the team. Outside: a case of ida's that neither carl
nor mads is on. Lead-only actions are allowed to carl alone; break the glass to ida and per,
who have the capability and are not on carl's team."""

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from infohus.cases.models import Case, CaseAttachment, ConsentRecord, Task, TeamMember
from infohus.cases.tests.factories import make_case
from tests.authz import Row, allowed


def _inside(world: dict[str, Any]) -> Case:
    people = world["people"]
    return make_case(lead=people["carl"], team={people["mads"]: "general"})


def _outside(world: dict[str, Any]) -> Case:
    return make_case(lead=world["people"]["ida"])


def case(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _inside(world).pk}


def outside_case(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _outside(world).pk}


def closed_case(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    Case.objects.filter(pk=c.pk).update(status=Case.Status.CLOSED, outcome=Case.Outcome.GOALS_MET)
    return {"pk": c.pk}


def attachment(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    a = CaseAttachment(case=c, compartment="general", original_name="plan.txt", content_type="text/plain", size=5)
    a.file.save("authz-plan.txt", ContentFile(b"plan\n"), save=True)
    return {"pk": c.pk, "attachment_pk": a.pk}


def mads_entry(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    return {"pk": c.pk, "member_pk": TeamMember.objects.get(case=c, user=world["people"]["mads"]).pk}


def task(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    t = Task.objects.create(case=c, title="Call the school", due_on=timezone.localdate() + timedelta(days=3),
                            assignee=world["people"]["mads"])
    return {"pk": c.pk, "task_pk": t.pk}


def consent(world: dict[str, Any]) -> dict[str, Any]:
    c = _inside(world)
    k = ConsentRecord.objects.create(case=c, given_by="The person", scope="Talks with the school",
                                     given_on=timezone.localdate(), recorded_by=world["people"]["carl"])
    return {"pk": c.pk, "consent_pk": k.pk}


TEAM = allowed("carl", "mads")
LEAD = allowed("carl")
GLASS = allowed("ida", "per")
TODAY = str(timezone.localdate())

ROWS = [
    Row("cases:case_list", allowed("ida", "carl", "rita", "per", "signe", "mads", "otto", "pia", "morten"),
        note="every role that works on cases; the list holds only their own"),
    Row("cases:case_detail", TEAM, kwargs=case),
    Row("cases:case_detail", allowed("ida"), kwargs=outside_case, note="outside carl's and mads' need-to-know"),
    Row("cases:case_note_add", TEAM, kwargs=case),
    Row("cases:case_note_add", TEAM, kwargs=case, method="POST", data={"compartment": "general", "text": "Hello"}),
    Row("cases:case_note_add", allowed("ida"), kwargs=outside_case, method="POST",
        data={"compartment": "general", "text": "Forged"}, note="a forged POST outside the need-to-know"),
    Row("cases:case_attachment_add", TEAM, kwargs=case),
    Row("cases:case_attachment", TEAM, kwargs=attachment),
    Row("cases:case_task_add", TEAM, kwargs=case),
    Row("cases:case_task_done", TEAM, kwargs=task, method="POST"),
    Row("cases:case_member_add", LEAD, kwargs=case),
    Row("cases:case_member_add", allowed("ida"), kwargs=outside_case),
    Row("cases:case_member_edit", LEAD, kwargs=mads_entry),
    Row("cases:case_member_edit", LEAD, kwargs=mads_entry, method="POST", data={"compartments": ["general"]}),
    Row("cases:case_member_remove", LEAD, kwargs=mads_entry, method="POST"),
    Row("cases:case_review_add", LEAD, kwargs=case),
    Row("cases:case_review_add", LEAD, kwargs=case, method="POST", data={"held_on": TODAY, "summary": "Fine."}),
    Row("cases:case_consent_add", LEAD, kwargs=case),
    Row("cases:case_consent_withdraw", LEAD, kwargs=consent),
    Row("cases:case_edit", LEAD, kwargs=case),
    Row("cases:case_close", LEAD, kwargs=case),
    Row("cases:case_close", allowed("ida"), kwargs=outside_case),
    Row("cases:case_reopen", LEAD, kwargs=closed_case, method="POST", data={"version": "1"}),
    Row("cases:case_person_edit", LEAD, kwargs=case),
    Row("cases:case_break_glass", GLASS, kwargs=case),
    Row("cases:case_break_glass", GLASS, kwargs=case, method="POST",
        data={"reason": "Imminent danger reported by telephone tonight."}),
]


def _opening(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.tests.factories import grant_break_glass

    people = world["people"]
    return {"access_pk": grant_break_glass(make_case(lead=people["carl"]), people["ida"]).pk}


ROWS += [
    Row("cases:break_glass_reviews", allowed("dina"), ok=frozenset({200})),
    Row("cases:break_glass_reviewed", allowed("dina"), kwargs=_opening, method="POST"),
]

ROWS += [
    Row("cases:break_glass_find", allowed("ida", "per"), note="redirects to the case's break-the-glass form"),
]
