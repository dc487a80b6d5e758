"""Info-house triage: taking a concern in, finding or making the person's record, meetings with
their attendees, the disclosures made there with their legal basis, and the decision.

Each function checks its own facts (callers' forms check them too, for the messages), writes its
audit event in the same transaction, and raises ValidationError with a message for people when
a fact is wrong. Access to the concern, meeting or person is decided before a service is called,
through the selectors in infohus.cases.selectors.triage.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from infohus.accounts.models import Membership, Organisation
from infohus.accounts.roles import CAPABILITIES, COMPARTMENTS, Capability, Compartment, Role
from infohus.audit.services import record_event
from infohus.cases import identifiers
from infohus.cases.models import (
    Case,
    Concern,
    Disclosure,
    LegalBasis,
    MeetingAttendee,
    Person,
    TeamMember,
    TriageDecision,
    TriageMeeting,
)
from infohus.cases.names import search_name_for
from infohus.cases.references import next_reference
from infohus.cases.selectors.triage import PURPOSE, searchable_people
from infohus.directory.selectors import published_projects

C = Concern.Status
K = TriageDecision.Kind
REVIEW_EVERY_MONTHS = 3

# What the reporter is told, in general terms: never the case, the person's record or the reason.
# Stored untranslated (the reporter's page translates it when shown).
OUTCOME_FOR_REPORTER = {
    K.NO_FURTHER_ACTION: gettext_noop("The Info house has assessed your concern. No further action is needed."),
    K.ADVICE_TO_REPORTER: gettext_noop("The Info house has assessed your concern and will give you advice."),
    K.CONCERN_CONVERSATION: gettext_noop("The Info house has assessed your concern and support has been offered."),
    K.STREET_LEVEL: gettext_noop("The Info house has assessed your concern and support has been offered."),
    K.STATUTORY_OFFER: gettext_noop("The Info house has assessed your concern and support has been offered."),
    K.REFERRAL: gettext_noop("The Info house has assessed your concern and support has been offered."),
    K.POLICE_OR_SECURITY: gettext_noop("The Info house has assessed your concern and passed it to the "
                                       "authority responsible."),
}


def _bump(concern: Concern, *fields: str) -> None:
    concern.version += 1
    concern.save(update_fields=[*fields, "version"])


def _locked_concern(concern: Concern) -> Concern:
    """The concern re-read under a row lock, so that two coordinators acting at once are serialised
    and the second sees the first one's change."""
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _triage_membership(actor: Any, info_house_id: int) -> Membership:
    roles = [r.value for r, caps in CAPABILITIES.items() if Capability.TRIAGE in caps]
    membership = (Membership.objects.filter(user=actor, organisation_id=info_house_id, is_active=True, role__in=roles)
                  .select_related("organisation").first())
    if membership is None:
        raise ValidationError(_("You do not triage at this Info house."))
    return membership


# --- the concern ---------------------------------------------------------------------------

@transaction.atomic
def take_into_triage(*, actor: Any, concern: Concern) -> Concern:
    """Mark a concern waiting for the Info house as being assessed."""
    concern = _locked_concern(concern)
    if concern.status == C.IN_TRIAGE:
        return concern
    if concern.status != C.AWAITING_TRIAGE:
        raise ValidationError(_("Only a concern waiting for the Info house can be taken into triage."))
    concern.status = C.IN_TRIAGE
    _bump(concern, "status")
    record_event(action="concern.triage_started", actor=actor, organisation=concern.info_house,
                 object_type="concern", object_id=concern.pk, person_id=concern.person_id or "", purpose=PURPOSE)
    return concern


def _check_open(concern: Concern) -> None:
    if concern.status not in (C.AWAITING_TRIAGE, C.IN_TRIAGE):
        raise ValidationError(_("This concern has already been decided."))


# --- the person ----------------------------------------------------------------------------

def check_birth_date(birth_date: date | None) -> None:
    if birth_date is not None and birth_date > timezone.localdate():
        raise ValidationError(_("The birth date cannot be in the future."))


def check_identifier(country: str, identifier: str, birth_date: date | None) -> str:
    """The normalised identifier; for a CPR number its date part must agree with the birth date."""
    number = identifiers.validate(country, identifier)
    if country == "DK" and birth_date is not None and number[:6] != birth_date.strftime("%d%m%y"):
        raise ValidationError(_("The first six digits of the CPR number (DDMMYY) do not match the birth date."))
    return number


@transaction.atomic
def create_person(*, actor: Any, concern: Concern, first_name: str, last_name: str = "",
                  birth_date: date | None = None, identifier_country: str = "DK", identifier: str = "",
                  gender: str = Person.Gender.UNKNOWN, municipality: Organisation | None = None,
                  languages: str = "", phone: str = "", email: str = "", address: str = "") -> Person:
    """Make a person's record and link it to the concern. Refused when the identifier belongs to a
    record the user can find: that record is to be linked instead."""
    concern = _locked_concern(concern)
    _check_open(concern)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name:
        raise ValidationError(_("A first name is needed (write \"unknown\" if it is not known)."))
    check_birth_date(birth_date)
    if municipality is not None and municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise ValidationError(_("Choose a municipality."))
    person = Person(first_name=first_name, last_name=last_name, birth_date=birth_date,
                    identifier_country=identifier_country, gender=gender, municipality=municipality,
                    languages=languages.strip(), phone=phone.strip(), email=email.strip(), address=address.strip(),
                    search_name=search_name_for(first_name, last_name), created_by=actor)
    if identifier:
        number = check_identifier(identifier_country, identifier, birth_date)
        person.identifier_hash = identifiers.lookup_hash(identifier_country, number)
        person.identifier_encrypted = identifiers.encrypt(number)
        if searchable_people(actor).filter(identifier_hash=person.identifier_hash).exists():
            raise ValidationError(_("A person with this identifier already has a record. Search for it and link "
                                    "it to the concern instead of making a new one."))
    person.save()
    record_event(action="person.created", actor=actor, organisation=concern.info_house, object_type="person",
                 object_id=person.pk, person_id=person.pk, purpose=PURPOSE, details={"concern": concern.pk})
    _link(actor=actor, concern=concern, person=person)
    return person


@transaction.atomic
def link_person(*, actor: Any, concern: Concern, person: Person) -> Concern:
    """Link an existing record (found with the search) to the concern."""
    concern = _locked_concern(concern)
    _check_open(concern)
    if not searchable_people(actor).filter(pk=person.pk).exists():
        raise ValidationError(_("This person's record is not one you can link."))
    return _link(actor=actor, concern=concern, person=person)


def _link(*, actor: Any, concern: Concern, person: Person) -> Concern:
    previous = concern.person_id
    concern.person = person
    _bump(concern, "person")
    record_event(action="concern.person_linked", actor=actor, organisation=concern.info_house,
                 object_type="concern", object_id=concern.pk, person_id=person.pk, purpose=PURPOSE,
                 details={"previous_person": previous})
    return concern


# --- meetings ------------------------------------------------------------------------------

@transaction.atomic
def schedule_meeting(*, actor: Any, info_house: Organisation, scheduled_for: datetime, place: str = "",
                     concerns: list[Concern]) -> TriageMeeting:
    """A triage meeting of the Info house with the concerns on its agenda."""
    _triage_membership(actor, info_house.pk)
    wrong = [c for c in concerns if c.info_house_id != info_house.pk or c.status not in (C.AWAITING_TRIAGE,
                                                                                          C.IN_TRIAGE)]
    if wrong:
        raise ValidationError(_("Only open concerns of this Info house can be put on the agenda."))
    meeting = TriageMeeting.objects.create(info_house=info_house, scheduled_for=scheduled_for, place=place.strip(),
                                           created_by=actor)
    meeting.concerns.set(concerns)
    for concern in concerns:
        record_event(action="concern.put_on_agenda", actor=actor, organisation=info_house, object_type="concern",
                     object_id=concern.pk, person_id=concern.person_id or "", purpose=PURPOSE,
                     details={"meeting": meeting.pk})
    return meeting


def _locked_meeting(meeting: TriageMeeting) -> TriageMeeting:
    """The meeting re-read under a row lock, so that marking it held and adding to it are serialised."""
    return TriageMeeting.objects.select_for_update().get(pk=meeting.pk)


def _check_not_held(meeting: TriageMeeting) -> None:
    if meeting.held:
        raise ValidationError(_("This meeting has been held. It takes no new agenda items or attendees."))


@transaction.atomic
def add_to_agenda(*, actor: Any, meeting: TriageMeeting, concern: Concern) -> TriageMeeting:
    """Put an open concern of the meeting's Info house on the agenda of a meeting not yet held."""
    _triage_membership(actor, meeting.info_house_id)
    meeting = _locked_meeting(meeting)
    _check_not_held(meeting)
    concern = _locked_concern(concern)
    if concern.info_house_id != meeting.info_house_id or concern.status not in (C.AWAITING_TRIAGE, C.IN_TRIAGE):
        raise ValidationError(_("Only open concerns of this Info house can be put on the agenda."))
    if meeting.concerns.filter(pk=concern.pk).exists():
        raise ValidationError(_("The concern is already on this meeting's agenda."))
    meeting.concerns.add(concern)
    record_event(action="concern.put_on_agenda", actor=actor, organisation=meeting.info_house,
                 object_type="concern", object_id=concern.pk, person_id=concern.person_id or "", purpose=PURPOSE,
                 details={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def mark_meeting_held(*, actor: Any, meeting: TriageMeeting) -> TriageMeeting:
    """Record that the meeting took place; from then on it takes no new agenda items or attendees."""
    _triage_membership(actor, meeting.info_house_id)
    meeting = _locked_meeting(meeting)
    if meeting.held:
        return meeting
    meeting.held = True
    meeting.save(update_fields=["held"])
    record_event(action="triage_meeting.held", actor=actor, organisation=meeting.info_house,
                 object_type="triage_meeting", object_id=meeting.pk, purpose=PURPOSE,
                 details={"concerns": list(meeting.concerns.values_list("pk", flat=True))})
    return meeting


@transaction.atomic
def add_attendee(*, actor: Any, meeting: TriageMeeting, organisation: Organisation, role: str,
                 name: str = "") -> MeetingAttendee:
    """Record who attended a meeting: their organisation, role and, if given, name. Not once the
    meeting is marked held."""
    _triage_membership(actor, meeting.info_house_id)
    _check_not_held(_locked_meeting(meeting))
    if not role.strip():
        raise ValidationError(_("Give the attendee's role."))
    attendee = MeetingAttendee.objects.create(meeting=meeting, organisation=organisation, role=role.strip(),
                                              name=name.strip())
    record_event(action="triage_meeting.attendee_added", actor=actor, organisation=meeting.info_house,
                 object_type="triage_meeting", object_id=meeting.pk, purpose=PURPOSE,
                 details={"attendee": attendee.pk, "organisation": organisation.pk})
    return attendee


# --- disclosures ---------------------------------------------------------------------------

def check_disclosure_basis(*, legal_basis: str, other_law: str, purpose: str, crime_prevention: bool) -> None:
    if legal_basis not in LegalBasis.values:
        raise ValidationError(_("Choose the legal basis for sharing."))
    if legal_basis == LegalBasis.OTHER_LAW and not other_law.strip():
        raise ValidationError(_("Name the law under which the information was shared."))
    if not purpose.strip():
        raise ValidationError(_("State the purpose for which the information was shared."))
    if not crime_prevention:
        raise ValidationError(_("Information may be shared here only for crime prevention, never for a criminal "
                                "investigation. Confirm this, or do not record it here."))


@transaction.atomic
def record_disclosure(*, actor: Any, concern: Concern, meeting: TriageMeeting | None, from_organisation: Organisation,
                      to_organisation: Organisation | None, summary: str, legal_basis: str, other_law: str = "",
                      purpose: str, crime_prevention: bool, compartment: str = Compartment.GENERAL) -> Disclosure:
    """One piece of information an authority shared about the concern's person, with its legal
    basis and purpose. Listed on the person's record."""
    membership = _triage_membership(actor, concern.info_house_id)
    if concern.person_id is None:
        raise ValidationError(_("Link or create the person's record before recording what was shared about them."))
    if not summary.strip():
        raise ValidationError(_("Describe what was shared."))
    check_disclosure_basis(legal_basis=legal_basis, other_law=other_law, purpose=purpose,
                           crime_prevention=crime_prevention)
    if compartment not in {c.value for c in COMPARTMENTS.get(Role(membership.role), frozenset())}:
        raise ValidationError(_("Your role cannot record information in this compartment."))
    if meeting is not None and (meeting.info_house_id != concern.info_house_id
                                or not meeting.concerns.filter(pk=concern.pk).exists()):
        raise ValidationError(_("The concern was not on this meeting's agenda."))
    disclosure = Disclosure.objects.create(
        person_id=concern.person_id, concern=concern, meeting=meeting, from_organisation=from_organisation,
        to_organisation=to_organisation, summary=summary.strip(), legal_basis=legal_basis,
        other_law=other_law.strip() if legal_basis == LegalBasis.OTHER_LAW else "", purpose=purpose.strip(),
        compartment=compartment, recorded_by=actor,
    )
    record_event(action="disclosure.recorded", actor=actor, organisation=concern.info_house,
                 object_type="disclosure", object_id=disclosure.pk, person_id=concern.person_id, purpose=PURPOSE,
                 details={"concern": concern.pk, "legal_basis": legal_basis, "from": from_organisation.pk,
                          "to": to_organisation.pk if to_organisation else None})
    return disclosure


# --- the decision --------------------------------------------------------------------------

def case_leads(owner: Organisation | None = None) -> QuerySet[Membership]:
    """Memberships that may lead a case: a role that manages cases, in a municipality."""
    roles = [r.value for r, caps in CAPABILITIES.items() if Capability.MANAGE_CASE in caps]
    memberships = Membership.objects.filter(is_active=True, role__in=roles, user__is_active=True,
                                            organisation__is_active=True,
                                            organisation__kind=Organisation.Kind.MUNICIPALITY)
    return memberships.filter(organisation=owner) if owner is not None else memberships


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _open_case(*, actor: Any, concern: Concern, owner: Organisation, lead: Any,
               triage_membership: Membership) -> Case:
    lead_membership = case_leads(owner).filter(user=lead).first()
    person_id = concern.person_id
    if person_id is None:
        raise ValidationError(_("Link or create the person's record before opening a case."))
    if lead_membership is None:
        raise ValidationError(_("The lead must be someone who manages cases in the owning municipality."))
    for attempt in range(3):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=next_reference(Case, "S"), person_id=person_id, owner=owner, lead=lead,
                    review_every_months=REVIEW_EVERY_MONTHS,
                    next_review_on=_add_months(timezone.localdate(), REVIEW_EVERY_MONTHS),
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    TeamMember.objects.create(case=case, user=lead, organisation=owner, role=lead_membership.role,
                              compartments=Compartment.GENERAL.value, added_by=actor)
    if actor.pk != lead.pk:
        allowed = COMPARTMENTS.get(Role(triage_membership.role), frozenset())
        compartments = [c.value for c in (Compartment.GENERAL, Compartment.POLICE) if c in allowed]
        TeamMember.objects.create(case=case, user=actor, organisation=triage_membership.organisation,
                                  role=triage_membership.role, compartments=",".join(compartments), added_by=actor)
    record_event(action="case.opened", actor=actor, organisation=owner, object_type="case", object_id=case.pk,
                 person_id=concern.person_id, purpose=PURPOSE,
                 details={"concern": concern.pk, "lead": lead.pk, "team": sorted({lead.pk, actor.pk})})
    return case


@transaction.atomic
def decide(*, actor: Any, concern: Concern, kind: str, reason: str, decided_on: date,
           meeting: TriageMeeting | None = None, referred_project: Any = None,
           owner: Organisation | None = None, lead: Any = None) -> TriageDecision:
    """The Info house's decision on a concern, with its reason and date. A statutory offer opens a
    case (owner municipality, lead, initial team, first review in three months); a referral names a
    published project of the directory. The reporter is told the outcome in general terms."""
    concern = _locked_concern(concern)
    _check_open(concern)
    membership = _triage_membership(actor, concern.info_house_id)
    if kind not in K.values:
        raise ValidationError(_("Choose a decision."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    if decided_on > timezone.localdate():
        raise ValidationError(_("The date of the decision cannot be in the future."))
    if meeting is not None and meeting.info_house_id != concern.info_house_id:
        raise ValidationError(_("The meeting belongs to another Info house."))
    project = None
    if kind == K.REFERRAL:
        if referred_project is None or not published_projects().filter(pk=referred_project.pk).exists():
            raise ValidationError(_("A referral needs a published project from the directory."))
        project = referred_project
    case = None
    if kind == K.STATUTORY_OFFER:
        if concern.person_id is None:
            raise ValidationError(_("Link or create the person's record before opening a case."))
        if owner is None or owner.kind != Organisation.Kind.MUNICIPALITY:
            raise ValidationError(_("A statutory offer needs the municipality that will own the case."))
        if lead is None:
            raise ValidationError(_("A statutory offer needs the case's lead."))
        case = _open_case(actor=actor, concern=concern, owner=owner, lead=lead, triage_membership=membership)
    decision = TriageDecision.objects.create(
        concern=concern, meeting=meeting, kind=kind, reason=reason.strip(), decided_on=decided_on,
        decided_by=actor, referred_project=project, case=case,
    )
    concern.status = C.DECIDED
    concern.outcome_for_reporter = OUTCOME_FOR_REPORTER[K(kind)]
    _bump(concern, "status", "outcome_for_reporter")
    record_event(action="concern.decided", actor=actor, organisation=concern.info_house, object_type="concern",
                 object_id=concern.pk, person_id=concern.person_id or "", purpose=PURPOSE,
                 details={"kind": kind, "decision": decision.pk, "case": case.pk if case else None,
                          "project": project.pk if project else None})
    return decision


def next_review_after(day: date) -> date:
    """The first review of a case opened on this day."""
    return _add_months(day, REVIEW_EVERY_MONTHS)


__all__ = [
    "add_attendee", "add_to_agenda", "case_leads", "check_birth_date", "check_disclosure_basis", "check_identifier",
    "create_person", "decide", "link_person", "mark_meeting_held", "next_review_after", "record_disclosure",
    "schedule_meeting", "take_into_triage",
]
