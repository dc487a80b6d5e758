"""Factories for concerns, people and cases, shared by the cases tests. Each builds the row
directly (not through the services) so that tests of one service do not depend on another."""

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.cases.identifiers import encrypt, lookup_hash
from infohus.cases.models import BreakGlassAccess, Case, Concern, Note, Person, TeamMember
from infohus.cases.names import search_name_for

_serial = itertools.count(1)


def info_house() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.POLICE_DISTRICT, name__contains="Infohus")


def make_person(first_name: str = "Jonas", last_name: str = "Testesen", *, birth_date: date | None = None,
                identifier: str = "", **fields: Any) -> Person:
    person = Person(first_name=first_name, last_name=last_name, birth_date=birth_date or date(2007, 5, 17),
                    search_name=search_name_for(first_name, last_name), **fields)
    if identifier:
        person.identifier_encrypted = encrypt(identifier)
        person.identifier_hash = lookup_hash(person.identifier_country, identifier)
    person.save()
    return person


def make_concern(*, reporter: User | None = None, status: str = Concern.Status.AWAITING_TRIAGE,
                 person: Person | None = None, urgent: bool = False, institution: Organisation | None = None,
                 **fields: Any) -> Concern:
    return Concern.objects.create(
        reference=f"B-TEST-{next(_serial):06d}", status=status, reported_by=reporter,
        reporter_organisation=reporter.memberships.first().organisation if reporter else None,
        institution=institution, info_house=info_house(), observed="Talks about violence in class.",
        observed_on=timezone.localdate() - timedelta(days=2), observed_where="School yard",
        worries="A change of friends.",
        urgent=urgent, person=person, **fields,
    )


def make_case(*, person: Person | None = None, lead: User, team: dict[User, str] | None = None,
              owner: Organisation | None = None) -> Case:
    """A case with its lead on the team and, in team, more members with their compartments
    (a comma-separated list, e.g. "general,police")."""
    owner = owner or lead.memberships.first().organisation
    case = Case.objects.create(reference=f"S-TEST-{next(_serial):06d}", person=person or make_person(),
                               owner=owner, lead=lead, next_review_on=timezone.localdate() + timedelta(days=90))
    members = {lead: Compartment.GENERAL.value, **(team or {})}
    for user, compartments in members.items():
        membership = user.memberships.first()
        TeamMember.objects.create(case=case, user=user, organisation=membership.organisation, role=membership.role,
                                  compartments=compartments)
    return case


def make_note(case: Case, *, author: User, compartment: str = Compartment.GENERAL.value, text: str = "") -> Note:
    return Note.objects.create(case=case, author=author, compartment=compartment,
                               text=text or f"Note {next(_serial)} in {compartment}")


def grant_break_glass(case: Case, user: User, *, minutes: int = 60) -> BreakGlassAccess:
    return BreakGlassAccess.objects.create(case=case, user=user, reason="Test emergency",
                                           expires_at=timezone.now() + timedelta(minutes=minutes))
