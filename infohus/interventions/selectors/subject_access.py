"""What the interventions app holds about one person, for a subject access request (GDPR art. 15).

Reached only through infohus.privacy, which checks access and audits. Everything here hangs on
the person's cases: the interventions of those cases, their goals and sessions, and the lending
requests made for them. An anonymous advice consultation has no case and names nobody, so it is
never part of anyone's export. Providers and the professionals at a session are not named; the
providing organisation or project is.
"""

from collections.abc import Mapping
from typing import Any

from infohus.accounts.roles import Compartment
from infohus.interventions.models import Goal, Intervention, LendingRequest, Session

GENERAL = Compartment.GENERAL.value

type Record = dict[str, Any]


def _name(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def _intervention(i: Intervention, case: str) -> Record:
    return {
        "id": i.pk, "compartment": GENERAL, "case": case,
        "kind": i.kind, "kind_display": str(i.get_kind_display()), "organisation": _name(i.organisation),
        "provider_organisation": _name(i.provider_organisation),
        "provider_project": i.provider_project.title if i.provider_project is not None else "",
        "status": i.status, "status_display": str(i.get_status_display()),
        "started_on": i.started_on, "ended_on": i.ended_on,
        "outcome": i.outcome, "outcome_display": str(i.get_outcome_display()), "outcome_reason": i.outcome_reason,
        "description": i.description, "treatment": i.treatment, "treatment_display": str(i.get_treatment_display()),
        "anonymised_at": i.anonymised_at,
    }


def _lending(r: LendingRequest, case: str) -> Record:
    return {
        "id": r.pk, "compartment": GENERAL, "case": case, "reference": r.reference,
        "borrowing_municipality": _name(r.requesting_organisation),
        "lending_municipality": _name(r.lending_organisation),
        "role_needed": r.corps_role, "role_needed_display": str(r.get_corps_role_display()),
        "needs": r.needs, "summary": r.summary, "hours_per_month": r.hours_per_month,
        "status": r.status, "status_display": str(r.get_status_display()), "decline_reason": r.decline_reason,
        "end_reason": r.end_reason, "sent_at": r.sent_at, "accepted_at": r.accepted_at, "ended_at": r.ended_at,
    }


def interventions_of(case_references: Mapping[int, str]) -> dict[str, list[Record]]:
    """The interventions, goals, sessions and lending requests of the person's cases (given as
    {case id: reference}), in four queries."""
    case_ids = list(case_references)
    interventions = list(Intervention.objects.filter(case_id__in=case_ids)
                         .select_related("organisation", "provider_organisation", "provider_project")
                         .order_by("started_on", "pk"))
    case_of = {i.pk: case_references[i.case_id] for i in interventions if i.case_id is not None}
    intervention_ids = list(case_of)
    goals = Goal.objects.filter(intervention_id__in=intervention_ids).order_by("intervention_id", "by_when", "pk")
    sessions = Session.objects.filter(intervention_id__in=intervention_ids).order_by("held_on", "pk")
    lending = (LendingRequest.objects.filter(case_id__in=case_ids)
               .select_related("requesting_organisation", "lending_organisation").order_by("sent_at", "pk"))
    return {
        "interventions": [_intervention(i, case_of[i.pk]) for i in interventions],
        "goals": [{"id": g.pk, "compartment": GENERAL, "intervention": g.intervention_id, "what": g.what,
                   "by_when": g.by_when, "how_we_know": g.how_we_know, "status": g.status,
                   "status_display": str(g.get_status_display())} for g in goals],
        # Who the professionals at a session were is theirs, not the person's: left out.
        "sessions": [{"id": s.pk, "compartment": s.compartment, "intervention": s.intervention_id,
                      "held_on": s.held_on, "duration_minutes": s.duration_minutes, "mode": s.mode,
                      "mode_display": str(s.get_mode_display()), "with_person": s.with_person, "family": s.family,
                      "notes": s.notes, "next_appointment": s.next_appointment} for s in sessions],
        "lending_requests": [_lending(r, case_references[r.case_id]) for r in lending],
    }
