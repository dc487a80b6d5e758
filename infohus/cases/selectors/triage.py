"""Reads for Info-house triage: the queue, one concern, meetings and the search for an existing
person record before a new one is made.

Everything starts from the need-to-know selectors. The person search reaches a little further
than people_visible_to(): an Info house must find the record it made for an earlier concern,
even when that concern is closed, so it also searches the people of every concern its own Info
houses received. It never searches people it has no link to.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.cases import identifiers
from infohus.cases.models import Concern, Disclosure, MeetingAttendee, Person, TriageMeeting
from infohus.cases.names import fold
from infohus.cases.selectors.need_to_know import cases_visible_to, concerns_for_triage

C = Concern.Status
PURPOSE = "Info-house triage"
OPEN_STATUSES = (C.AWAITING_TRIAGE, C.IN_TRIAGE)
# Near-matches are computed in Python over a bounded candidate set, never over all people.
NEAR_MATCH_RATIO = 0.75
NEAR_MATCH_CANDIDATES = 200
SEARCH_LIMIT = 50



def triage_houses(user: Any) -> list[int]:
    """The Info houses in which the user triages."""
    return list(organisations_with(user, Capability.TRIAGE))


# --- the queue and one concern -------------------------------------------------------------

def triage_queue(user: Any) -> QuerySet[Concern]:
    """Open concerns of the user's Info houses: urgent first, then the oldest."""
    return (concerns_for_triage(user).filter(status__in=OPEN_STATUSES)
            .select_related("person", "reporter_organisation", "institution")
            .order_by("-urgent", "received_at", "pk"))


def concern_for_triage(user: Any, pk: int, *, purpose: str = PURPOSE, audit: bool = True) -> Concern:
    """Fetch and authorise in one call: a concern of the user's Info houses, or 404 (audited)."""
    concern = (concerns_for_triage(user)
               .select_related("person", "reporter_organisation", "institution", "info_house",
                               "decision__referred_project", "decision__case")
               .filter(pk=pk).first())
    if concern is None:
        record_event(action="concern.refused", actor=user, object_type="concern", object_id=pk, purpose=purpose)
        raise Http404
    if audit:
        record_event(action="concern.viewed", actor=user, organisation=concern.info_house, object_type="concern",
                     object_id=concern.pk, person_id=concern.person_id or "", purpose=purpose)
    return concern


def disclosures_of_concern(concern: Concern, *, compartments: frozenset[str]) -> QuerySet[Disclosure]:
    """The disclosures recorded for a concern, only in the compartments the viewer may read."""
    return (concern.disclosures.filter(compartment__in=compartments)
            .select_related("from_organisation", "to_organisation", "meeting", "recorded_by"))


# --- meetings ------------------------------------------------------------------------------

def meetings_for_user(user: Any) -> QuerySet[TriageMeeting]:
    return TriageMeeting.objects.filter(info_house_id__in=triage_houses(user)).select_related("info_house")


def agenda_candidates(user: Any, info_house_id: int) -> QuerySet[Concern]:
    """Concerns that may be put on a meeting's agenda: open ones of that Info house."""
    return triage_queue(user).filter(info_house_id=info_house_id)


def agenda_candidates_for(user: Any, meeting: TriageMeeting) -> QuerySet[Concern]:
    """Concerns that may be added to a meeting's agenda: open ones of its Info house not on it yet."""
    return agenda_candidates(user, meeting.info_house_id).exclude(meetings=meeting)


def meetings_taking(user: Any, concern: Concern) -> QuerySet[TriageMeeting]:
    """Meetings a concern may be added to: upcoming ones (from today on) of its Info house, not yet
    held, without it on the agenda. One query: the user's Info houses are a subquery."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (TriageMeeting.objects.filter(info_house_id__in=organisations_with(user, Capability.TRIAGE))
            .filter(info_house_id=concern.info_house_id, held=False, scheduled_for__gte=today)
            .exclude(concerns=concern).order_by("scheduled_for", "pk"))


def meeting_for_user(user: Any, pk: int, *, purpose: str = PURPOSE) -> TriageMeeting:
    """A meeting of one of the user's Info houses with its agenda and attendees, or 404 (audited)."""
    meeting = (meetings_for_user(user)
               .prefetch_related(
                   Prefetch("concerns", queryset=Concern.objects.select_related("person").order_by(
                       "-urgent", "received_at", "pk")),
                   Prefetch("attendees", queryset=MeetingAttendee.objects.select_related("organisation")),
               ).filter(pk=pk).first())
    if meeting is None:
        record_event(action="triage_meeting.refused", actor=user, object_type="triage_meeting", object_id=pk,
                     purpose=purpose)
        raise Http404
    record_event(action="triage_meeting.viewed", actor=user, organisation=meeting.info_house,
                 object_type="triage_meeting", object_id=meeting.pk, purpose=purpose,
                 details={"concerns": [c.pk for c in meeting.concerns.all()]})
    return meeting


# --- person search -------------------------------------------------------------------------

def searchable_people(user: Any) -> QuerySet[Person]:
    """People an Info-house member may find before creating a record: those in their need-to-know
    and those of any concern received by their own Info houses."""
    houses = triage_houses(user)
    if not houses:
        return Person.objects.none()
    # people_visible_to() is the people of visible cases and of concerns_for_triage(); the
    # latter are a subset of the people of all the Info houses' concerns, so the union below is
    # people_visible_to() widened by exactly that, without asking for the Info houses twice.
    own_concerns = Concern.objects.filter(info_house_id__in=houses).exclude(person=None).order_by().values("person_id")
    # A union, not an OR of two subqueries, so that the database starts from these people
    # instead of walking every person record (see bench/README.md, "Practice desk").
    return Person.objects.filter(pk__in=cases_visible_to(user).order_by().values("person_id").union(own_concerns))


def searchable_person(user: Any, pk: int, *, purpose: str = PURPOSE) -> Person:
    """A person the user may link to a concern, or 404 (audited)."""
    person = searchable_people(user).filter(pk=pk).first()
    if person is None:
        record_event(action="person.refused", actor=user, object_type="person", object_id=pk, purpose=purpose)
        raise Http404
    return person


@dataclass(frozen=True)
class PersonSearch:
    exact: list[Person] = field(default_factory=list)
    near: list[Person] = field(default_factory=list)


def _similarity(query: str, candidate: str) -> float:
    """The better of the plain ratio and the ratio with the words sorted (for "Ali Hassan" against
    "Hassan Ali")."""
    plain = difflib.SequenceMatcher(None, query, candidate).ratio()
    ordered = difflib.SequenceMatcher(None, " ".join(sorted(query.split())), " ".join(sorted(candidate.split())))
    return max(plain, ordered.ratio())


def search_people(user: Any, *, name: str = "", birth_date: date | None = None, identifier: str = "",
                  identifier_country: str = "DK", purpose: str = PURPOSE) -> PersonSearch:
    """People matching every given criterion, and near-matches: a similar name, with the same birth
    date when one is given. The identifier is compared by its keyed hash and never stored in the
    audit trail. An invalid identifier raises ValidationError."""
    scope = searchable_people(user)
    words = fold(name).split()
    exact_filter = Q()
    for word in words:
        # Each word starts a word of the name: "jon" finds "Jonas", "esen" does not find "Testesen".
        exact_filter &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    if birth_date is not None:
        exact_filter &= Q(birth_date=birth_date)
    if identifier:
        number = identifiers.validate(identifier_country, identifier)
        exact_filter &= Q(identifier_hash=identifiers.lookup_hash(identifier_country, number))
    scope = scope.select_related("municipality")
    exact = list(scope.filter(exact_filter).order_by("search_name", "pk")[:SEARCH_LIMIT]) if exact_filter else []
    near: list[Person] = []
    if words:
        # Candidates: with a birth date, everyone born that day (a differently spelt name);
        # without one, everyone whose first or last name starts like one of the words.
        candidates_filter = Q()
        if birth_date is not None:
            candidates_filter = Q(birth_date=birth_date)
        else:
            for word in words:
                stem = word[:3]
                candidates_filter |= Q(search_name__startswith=stem) | Q(search_name__contains=f" {stem}")
        seen = {p.pk for p in exact}
        query = " ".join(words)
        candidates = scope.filter(candidates_filter).exclude(pk__in=seen).order_by("pk")[:NEAR_MATCH_CANDIDATES]
        scored = [(_similarity(query, p.search_name), p) for p in candidates]
        near = [p for score, p in sorted(scored, key=lambda pair: (-pair[0], pair[1].pk)) if score >= NEAR_MATCH_RATIO]
    record_event(action="person.searched", actor=user, object_type="person", purpose=purpose, details={
        "criteria": [k for k, v in (("name", name), ("birth_date", birth_date), ("identifier", identifier)) if v],
        "exact": [p.pk for p in exact], "near": [p.pk for p in near],
    })
    return PersonSearch(exact=exact, near=near)
