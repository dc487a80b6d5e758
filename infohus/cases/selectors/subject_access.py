"""What the cases app holds about one person, for a subject access request (GDPR art. 15).

Only the data protection officer reaches this, through infohus.privacy; nothing here checks
access or writes to the audit trail (the privacy selectors do both).

Each record is a dict with "id", "compartment" and its fields under stable keys; a choice is
given as its code with its label beside it under "<key>_display". Professionals are given by role
and organisation, never by name, and a reporter or caller is never named (art. 15(4): the rights
of others). Dates are date and datetime objects; the privacy layer writes them in ISO form.

Every row is found from the person's own foreign keys (the person's concerns, cases and
disclosures) and then from those concerns and cases, never by organisation, so nothing of another
person in the same case or organisation comes along.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from infohus.accounts.roles import Compartment
from infohus.cases import identifiers
from infohus.cases.models import (
    Case,
    CaseAttachment,
    Concern,
    ConcernAttachment,
    ConsentRecord,
    Disclosure,
    NetworkMember,
    Note,
    Person,
    Review,
    Task,
    TeamMember,
)
from infohus.cases.names import fold

GENERAL = Compartment.GENERAL.value
FIND_LIMIT = 20

type Record = dict[str, Any]


@dataclass(frozen=True)
class CasesHoldings:
    """The person's rows in the cases app, by kind, and the concerns and cases they are linked to
    (which the other apps' subject access functions start from)."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    case_ids: list[int] = field(default_factory=list)
    case_references: dict[int, str] = field(default_factory=dict)
    concern_ids: list[int] = field(default_factory=list)


# --- finding the person --------------------------------------------------------------------

def find_people(*, reference: str = "", identifier: str = "", identifier_country: str = "DK", name: str = "",
                birth_date: date | None = None, limit: int = FIND_LIMIT) -> list[Person]:
    """People matching every criterion given: the reference of one of their cases or concerns,
    their national identifier (compared by its keyed hash), or their name (each word starting a
    word of the name) with their birth date. Nationwide: the data protection officer answers for
    the whole platform. An invalid identifier raises ValidationError; no criterion finds nobody."""
    criteria = Q()
    if reference.strip():
        ref = reference.strip()
        by_case = Case.objects.filter(reference__iexact=ref).order_by().values("person_id")
        by_concern = Concern.objects.filter(reference__iexact=ref).exclude(person=None).order_by().values("person_id")
        criteria &= Q(pk__in=by_case.union(by_concern))
    if identifier.strip():
        number = identifiers.validate(identifier_country, identifier)
        criteria &= Q(identifier_hash=identifiers.lookup_hash(identifier_country, number))
    for word in fold(name).split():
        criteria &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    if birth_date is not None:
        criteria &= Q(birth_date=birth_date)
    if not criteria:
        return []
    return list(Person.objects.filter(criteria).select_related("municipality").order_by("search_name", "pk")[:limit])


def person_by_pk(pk: int) -> Person | None:
    return Person.objects.select_related("municipality").filter(pk=pk).first()


# --- what is held --------------------------------------------------------------------------

def _name(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def _person(person: Person) -> Record:
    return {
        "id": person.pk, "compartment": GENERAL,
        "first_name": person.first_name, "last_name": person.last_name, "birth_date": person.birth_date,
        "identifier_country": person.identifier_country,
        "identifier": identifiers.decrypt(person.identifier_encrypted),
        "gender": person.gender, "gender_display": str(person.get_gender_display()),
        "municipality": _name(person.municipality), "languages": person.languages, "phone": person.phone,
        "email": person.email, "address": person.address, "created_at": person.created_at,
        "updated_at": person.updated_at, "anonymised_at": person.anonymised_at,
    }


def _network(rows: QuerySet[NetworkMember]) -> list[Record]:
    return [{"id": m.pk, "compartment": GENERAL, "name": m.name, "relation": m.relation, "contact": m.contact}
            for m in rows]


def _concern(c: Concern) -> Record:
    # Who reported or phoned it in, and who else knows, are other people's data: left out.
    return {
        "id": c.pk, "compartment": GENERAL, "reference": c.reference,
        "status": c.status, "status_display": str(c.get_status_display()),
        "channel": c.channel, "channel_display": str(c.get_channel_display()),
        "received_at": c.received_at, "info_house": _name(c.info_house), "institution": _name(c.institution),
        "observed": c.observed, "observed_on": c.observed_on, "observed_where": c.observed_where,
        "worries": c.worries, "immediate_danger": c.immediate_danger, "urgent": c.urgent,
        "extremism": c.extremism, "extremism_display": str(c.get_extremism_display()),
        "person_described": c.person_described, "outcome_for_reporter": c.outcome_for_reporter,
        "anonymised_at": c.anonymised_at,
    }


def _local_assessment(c: Concern) -> Record | None:
    la = getattr(c, "local_assessment", None)
    if la is None:
        return None
    # Who took part is a list of professionals by name: left out.
    return {"id": la.pk, "compartment": GENERAL, "concern": c.reference, "conclusion": la.conclusion,
            "decision": la.decision, "decision_display": str(la.get_decision_display()),
            "assessed_at": la.assessed_at}


def _decision(c: Concern) -> Record | None:
    d = getattr(c, "decision", None)
    if d is None:
        return None
    return {"id": d.pk, "compartment": GENERAL, "concern": c.reference,
            "kind": d.kind, "kind_display": str(d.get_kind_display()), "reason": d.reason,
            "decided_on": d.decided_on,
            "referred_project": d.referred_project.title if d.referred_project is not None else "",
            "case": d.case.reference if d.case is not None else ""}


def _attachment(a: CaseAttachment | ConcernAttachment, *, compartment: str, holder: str, reference: str) -> Record:
    return {"id": a.pk, "compartment": compartment, holder: reference, "name": a.original_name,
            "content_type": a.content_type, "size": a.size, "uploaded_at": a.uploaded_at}


def _disclosure(d: Disclosure) -> Record:
    return {"id": d.pk, "compartment": d.compartment or GENERAL,
            "concern": d.concern.reference if d.concern is not None else "",
            "case": d.case.reference if d.case is not None else "",
            "shared_by": _name(d.from_organisation), "shared_with": _name(d.to_organisation),
            "summary": d.summary, "legal_basis": d.legal_basis,
            "legal_basis_display": str(d.get_legal_basis_display()), "other_law": d.other_law,
            "purpose": d.purpose, "disclosed_at": d.disclosed_at}


def _case(c: Case) -> Record:
    return {"id": c.pk, "compartment": GENERAL, "reference": c.reference, "owner": _name(c.owner),
            "status": c.status, "status_display": str(c.get_status_display()), "opened_at": c.opened_at,
            "closed_at": c.closed_at, "outcome": c.outcome, "outcome_display": str(c.get_outcome_display()),
            "closure_reason": c.closure_reason, "review_every_months": c.review_every_months,
            "next_review_on": c.next_review_on, "anonymised_at": c.anonymised_at}


def _team(m: TeamMember, reference: str) -> Record:
    return {"id": m.pk, "compartment": GENERAL, "case": reference,
            "role": m.role, "role_display": str(m.get_role_display()), "organisation": _name(m.organisation),
            "compartments": m.compartments, "active": m.is_active, "added_at": m.added_at}


def holdings_of(person: Person) -> CasesHoldings:
    """Everything the cases app holds about the person, in a fixed number of queries."""
    concerns = list(Concern.objects.filter(person=person)
                    .select_related("info_house", "institution", "local_assessment", "decision__referred_project",
                                    "decision__case")
                    .order_by("received_at", "pk"))
    cases = list(Case.objects.filter(person=person).select_related("owner").order_by("opened_at", "pk"))
    case_refs = {c.pk: c.reference for c in cases}
    concern_refs = {c.pk: c.reference for c in concerns}
    case_ids, concern_ids = list(case_refs), list(concern_refs)

    disclosures = (Disclosure.objects.filter(person=person)
                   .select_related("concern", "case", "from_organisation", "to_organisation")
                   .order_by("disclosed_at", "pk"))
    records: dict[str, list[Record]] = {
        "person": [_person(person)],
        "network": _network(NetworkMember.objects.filter(person=person).order_by("name", "pk")),
        "concerns": [_concern(c) for c in concerns],
        "concern_attachments": [
            _attachment(a, compartment=GENERAL, holder="concern", reference=concern_refs[a.concern_id])
            for a in ConcernAttachment.objects.filter(concern_id__in=concern_ids).order_by("uploaded_at", "pk")],
        "local_assessments": [r for r in map(_local_assessment, concerns) if r is not None],
        "triage_decisions": [r for r in map(_decision, concerns) if r is not None],
        "disclosures": [_disclosure(d) for d in disclosures],
        "cases": [_case(c) for c in cases],
        "team": [_team(m, case_refs[m.case_id])
                 for m in TeamMember.objects.filter(case_id__in=case_ids).select_related("organisation")
                 .order_by("case_id", "added_at", "pk")],
        "notes": [{"id": n.pk, "compartment": n.compartment, "case": case_refs[n.case_id], "text": n.text,
                   "written_at": n.written_at}
                  for n in Note.objects.filter(case_id__in=case_ids).order_by("written_at", "pk")],
        "reviews": [{"id": r.pk, "compartment": GENERAL, "case": case_refs[r.case_id], "held_on": r.held_on,
                     "summary": r.summary}
                    for r in Review.objects.filter(case_id__in=case_ids).order_by("held_on", "pk")],
        "tasks": [{"id": t.pk, "compartment": GENERAL, "case": case_refs[t.case_id], "title": t.title,
                   "due_on": t.due_on, "done_at": t.done_at}
                  for t in Task.objects.filter(case_id__in=case_ids).order_by("due_on", "pk")],
        "consents": [{"id": c.pk, "compartment": GENERAL, "case": case_refs[c.case_id], "given_by": c.given_by,
                      "scope": c.scope, "given_on": c.given_on, "withdrawn_on": c.withdrawn_on}
                     for c in ConsentRecord.objects.filter(case_id__in=case_ids).order_by("given_on", "pk")],
        "case_attachments": [
            _attachment(a, compartment=a.compartment, holder="case", reference=case_refs[a.case_id])
            for a in CaseAttachment.objects.filter(case_id__in=case_ids).order_by("uploaded_at", "pk")],
    }
    return CasesHoldings(records=records, case_ids=case_ids, case_references=case_refs, concern_ids=concern_ids)
