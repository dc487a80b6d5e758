"""The one place that decides which concerns, people and cases a user may see.

Lists, search, detail pages, attachments, exports and the API all start from these functions.
A record outside the need-to-know is answered exactly like a record that does not exist (404),
and the attempt is audited.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from infohus.accounts.permissions import confined_organisation, memberships_of, organisations_with
from infohus.accounts.roles import CAPABILITIES, COMPARTMENTS, Capability, Compartment, Role
from infohus.audit.services import record_event
from infohus.cases.models import BreakGlassAccess, Case, Concern, Person, TeamMember

C = Concern.Status



# --- concerns ------------------------------------------------------------------------------

def concerns_reported_by(user: Any) -> QuerySet[Concern]:
    """A reporter's own concerns (the pages show them their status only)."""
    return Concern.objects.filter(reported_by=user)


def concerns_for_local_assessment(user: Any) -> QuerySet[Concern]:
    """Concerns from the institutions in which the user is a resource person."""
    return Concern.objects.filter(institution_id__in=organisations_with(user, Capability.LOCAL_ASSESSMENT))


def concerns_for_triage(user: Any) -> QuerySet[Concern]:
    """Concerns that have reached the Info houses in which the user triages."""
    return Concern.objects.filter(
        info_house_id__in=organisations_with(user, Capability.TRIAGE),
        status__in=[C.AWAITING_TRIAGE, C.IN_TRIAGE, C.DECIDED],
    )


# --- cases and people ----------------------------------------------------------------------

def _team_places(user: Any) -> QuerySet[TeamMember]:
    """The user's places on teams; for a user confined to one membership (an API token), only the
    places held for that membership's organisation."""
    places = TeamMember.objects.filter(user=user, is_active=True)
    confined = confined_organisation(user)
    return places if confined is None else places.filter(organisation_id=confined)


def may_break_glass(user: Any) -> bool:
    """Whether one of the roles the user acts in may break the glass."""
    return any(Capability.BREAK_GLASS in CAPABILITIES[Role(m.role)] for m in memberships_of(user))


def _break_glass_openings(user: Any) -> QuerySet[BreakGlassAccess]:
    """Unexpired break-the-glass openings; a confined user keeps them only while the membership
    they act in may break the glass."""
    openings = BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now())
    if confined_organisation(user) is not None and not may_break_glass(user):
        return openings.none()
    return openings


def _team_case_ids(user: Any) -> QuerySet[TeamMember, Any]:
    return _team_places(user).order_by().values("case_id")


def _break_glass_case_ids(user: Any) -> QuerySet[BreakGlassAccess, Any]:
    return _break_glass_openings(user).order_by().values("case_id")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Cases whose team the user is on, and cases opened with break-the-glass that has not expired."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    # One "id in (A union B)" rather than "id in A or id in B": with the OR the database walks
    # every case; with the union it starts from the user's few hundred (see bench/README.md).
    return Case.objects.filter(pk__in=_team_case_ids(user).union(_break_glass_case_ids(user)))


def people_visible_to(user: Any) -> QuerySet[Person]:
    """People held by a visible case, and people in concerns the user triages."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(pk__in=cases_visible_to(user).order_by().values("person_id").union(
        concerns_for_triage(user).exclude(person=None).order_by().values("person_id")))


@dataclass(frozen=True)
class CaseAccess:
    """A case the user may open, how they came to see it, and which compartments they see."""

    case: Case
    compartments: frozenset[str]
    team_member: TeamMember | None
    break_glass: BreakGlassAccess | None

    @property
    def by_break_glass(self) -> bool:
        return self.team_member is None and self.break_glass is not None

    def sees(self, compartment: str) -> bool:
        return compartment in self.compartments


def _role_compartments(role: str) -> frozenset[str]:
    return frozenset(c.value for c in COMPARTMENTS.get(Role(role), frozenset()))


def _break_glass_compartments(user: Any) -> frozenset[str]:
    roles = [membership.role for membership in memberships_of(user)]
    allowed: set[str] = set()
    for role in roles:
        if Capability.BREAK_GLASS in CAPABILITIES[Role(role)]:
            allowed |= _role_compartments(role)
    return frozenset(allowed) or frozenset({Compartment.GENERAL.value})


def case_access(user: Any, case_pk: int, *, purpose: str, audit: bool = True) -> CaseAccess:
    """Fetch and authorise in one call: the case with what this user may see of it, or 404.

    Both the read and a refusal are audited (with the person concerned) unless audit is False,
    which only callers that audit the same request themselves may use.
    """
    case = Case.objects.select_related("person", "owner", "lead").filter(pk=case_pk).first()
    team_member = None
    glass = None
    if case is not None and getattr(user, "is_authenticated", False):
        team_member = _team_places(user).filter(case=case).first()
        if team_member is None:
            glass = _break_glass_openings(user).filter(case=case).first()
    if case is None or (team_member is None and glass is None):
        record_event(action="case.refused", actor=user, object_type="case", object_id=case_pk,
                     purpose=purpose, details={"exists": case is not None})
        raise Http404
    if team_member is not None:
        compartments = team_member.compartment_set() & _role_compartments(team_member.role)
    else:
        compartments = _break_glass_compartments(user)
    if audit:
        record_event(action="case.viewed", actor=user, object_type="case", object_id=case.pk,
                     person_id=case.person_id, purpose=purpose,
                     details={"via": "team" if team_member else "break_glass", "compartments": sorted(compartments)})
    return CaseAccess(case=case, compartments=compartments, team_member=team_member, break_glass=glass)


def person_for_user(user: Any, person_pk: int, *, purpose: str) -> Person:
    """A person's record if the user's need-to-know covers it, or 404; both audited."""
    person = people_visible_to(user).filter(pk=person_pk).first()
    if person is None:
        record_event(action="person.refused", actor=user, object_type="person", object_id=person_pk, purpose=purpose)
        raise Http404
    record_event(action="person.viewed", actor=user, object_type="person", object_id=person.pk,
                 person_id=person.pk, purpose=purpose)
    return person
