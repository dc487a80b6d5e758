"""The mentor corps: who may be assigned, and their current load; the register kept by the mentor
coaches (entries, supervision, coach pairings).

Eligibility is about the professional only (accreditation, capacity, being active); nothing is
computed about the person of concern. The register holds data about professionals, so its audit
rows carry no person, except a supervision tied to a case, whose topics may speak of its person.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.roles import CAPABILITIES, Capability, Role
from infohus.audit.services import record_event
from infohus.cases.models import Case, ExtremismKind
from infohus.cases.selectors.need_to_know import case_access, organisations_with
from infohus.interventions.languages import is_language
from infohus.interventions.models import (
    AgeGroup,
    CoachPairing,
    CorpsRole,
    Intervention,
    InterventionKind,
    MentorProfile,
    Supervision,
)

# The kinds of intervention that take a place in a mentor's capacity.
COURSES = (InterventionKind.MENTORING, InterventionKind.PARENT_COACHING, InterventionKind.PRISON_MENTORSHIP)


def current_load(profile: MentorProfile) -> int:
    """Active courses of mentoring or coaching the mentor provides now."""
    return Intervention.objects.filter(provider_user_id=profile.user_id, status=Intervention.Status.ACTIVE,
                                       kind__in=COURSES).count()


def loads(profiles: list[MentorProfile]) -> dict[int, int]:
    """Current load per profile pk, in one query."""
    rows = (Intervention.objects.filter(provider_user_id__in=[p.user_id for p in profiles],
                                        status=Intervention.Status.ACTIVE, kind__in=COURSES)
            .values("provider_user_id").annotate(n=Count("pk")))
    by_user = {row["provider_user_id"]: row["n"] for row in rows}
    return {p.pk: by_user.get(p.user_id, 0) for p in profiles}


def reasons_not_assignable(profile: MentorProfile, *, load: int | None = None, on: date | None = None) -> list[str]:
    """Why this mentor cannot take on a course now; an empty list when they can."""
    on = on or timezone.localdate()
    reasons: list[str] = []
    if not profile.is_active:
        reasons.append(_("%(name)s is not active in the corps.") % {"name": profile})
    if profile.accredited_on is None:
        reasons.append(_("%(name)s has not completed the method training.") % {"name": profile})
    elif profile.accreditation_expires_on is not None and profile.accreditation_expires_on < on:
        reasons.append(_("The accreditation of %(name)s expired on %(day)s.")
                       % {"name": profile, "day": date_format(profile.accreditation_expires_on, "Y-m-d")})
    load = current_load(profile) if load is None else load
    if load >= profile.capacity:
        reasons.append(_("%(name)s is at full capacity (%(load)d of %(capacity)d courses).")
                       % {"name": profile, "load": load, "capacity": profile.capacity})
    return reasons


def assignable_q(on: date) -> Q:
    """The part of eligibility a database filter can check (capacity needs the load)."""
    return Q(is_active=True, accredited_on__isnull=False) & (
        Q(accreditation_expires_on__isnull=True) | Q(accreditation_expires_on__gte=on))


# --- lists kept as comma-separated codes --------------------------------------------------------------

def split_codes(value: str) -> list[str]:
    """"da, ar,,so" -> ["da", "ar", "so"]: trimmed, lower case, each once, in the order given."""
    seen: dict[str, None] = {}
    for part in (value or "").split(","):
        code = part.strip().lower()
        if code:
            seen.setdefault(code, None)
    return list(seen)


def join_codes(codes: Iterable[str]) -> str:
    return ",".join(split_codes(",".join(codes)))


def has_code_q(field: str, code: str) -> Q:
    """Rows whose comma-separated list in field holds code (stored without spaces, see join_codes)."""
    return (Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code},"})
            | Q(**{f"{field}__endswith": f",{code}"}) | Q(**{f"{field}__contains": f",{code},"}))


def load_expression() -> Coalesce:
    """The current load of each profile as a subquery, for filtering in the database (the same
    count as current_load and loads)."""
    courses = (Intervention.objects.filter(provider_user_id=OuterRef("user_id"), status=Intervention.Status.ACTIVE,
                                           kind__in=COURSES)
               .order_by().values("provider_user_id").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(courses, output_field=IntegerField()), Value(0))


def with_free_place(profiles: QuerySet[MentorProfile], on: date) -> QuerySet[MentorProfile]:
    """Only those who can be assigned now: active, accredited on the day, and below capacity."""
    return profiles.annotate(current_load=load_expression()).filter(assignable_q(on), current_load__lt=F("capacity"))


# --- the register: who may be in it, and writing it ------------------------------------------------------

# Roles of the platform whose holders may have an entry in the corps register.
CORPS_ROLES = (Role.MENTOR, Role.PARENT_COACH, Role.MENTOR_COACH)
# Experience a mentor can have: every kind of extremism a concern records, except "not known".
EXPERIENCE_KINDS = tuple(kind for kind in ExtremismKind if kind != ExtremismKind.NOT_KNOWN)
MIN_CAPACITY, MAX_CAPACITY = 1, 10
MAX_SUPERVISION_MINUTES = 24 * 60


def corps_candidates() -> QuerySet[User]:
    """Users with an active membership in a role of the corps (mentor, parent coach, mentor coach)."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(role__in=CORPS_ROLES, is_active=True, organisation__is_active=True,
                                         user__is_active=True).values("user_id"))


def mentor_coaches() -> QuerySet[User]:
    """Users with an active membership in a role that coaches mentors."""
    roles = [role for role, caps in CAPABILITIES.items() if Capability.COACH_MENTORS in caps]
    return User.objects.filter(
        pk__in=Membership.objects.filter(role__in=roles, is_active=True, organisation__is_active=True,
                                         user__is_active=True).values("user_id"))


def _require_coach(actor: User) -> None:
    if not organisations_with(actor, Capability.COACH_MENTORS).exists():
        raise PermissionDenied(_("Only mentor coaches keep the register of the mentor corps."))


@dataclass(frozen=True)
class ProfileData:
    """What a coach writes about a member of the corps (everything but the user)."""

    home_municipality: Organisation
    corps_role: str
    gender: str = ""
    languages: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    extremism_kinds: tuple[str, ...] = ()
    prison_work: bool = False
    capacity: int = 2
    accredited_on: date | None = None
    accreditation_expires_on: date | None = None
    is_active: bool = True
    notes: str = ""


def _check_profile(data: ProfileData, *, today: date) -> dict[str, Any]:
    """The profile's fields as stored, or ValidationError with a message per field."""
    errors: dict[str, str] = {}
    if data.home_municipality.kind != Organisation.Kind.MUNICIPALITY or not data.home_municipality.is_active:
        errors["home_municipality"] = _("Choose a municipality.")
    if data.corps_role not in CorpsRole.values:
        errors["corps_role"] = _("Choose a role in the corps.")
    if data.gender and data.gender not in MentorProfile.Gender.values:
        errors["gender"] = _("Choose a gender or leave it not stated.")
    languages = split_codes(",".join(data.languages))
    unknown = [code for code in languages if not is_language(code)]
    if unknown:
        errors["languages"] = _("Not ISO 639-1 language codes: %(codes)s. Use two-letter codes such as da, ar "
                                "or so.") % {"codes": ", ".join(unknown)}
    if any(group not in AgeGroup.values for group in data.age_groups):
        errors["age_groups"] = _("Choose age groups from the list.")
    if any(kind not in EXPERIENCE_KINDS for kind in data.extremism_kinds):
        errors["extremism_kinds"] = _("Choose kinds of extremism from the list.")
    if not MIN_CAPACITY <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Give a number of courses from %(low)d to %(high)d.") % {
            "low": MIN_CAPACITY, "high": MAX_CAPACITY}
    if data.accredited_on is not None and data.accredited_on > today:
        errors["accredited_on"] = _("The method training cannot be completed in the future.")
    if data.accreditation_expires_on is not None:
        if data.accredited_on is None:
            errors["accreditation_expires_on"] = _("Give the date the method training was completed, or leave the "
                                                   "expiry empty.")
        elif data.accreditation_expires_on < data.accredited_on:
            errors["accreditation_expires_on"] = _("The accreditation cannot expire before the training was "
                                                   "completed.")
    if errors:
        raise ValidationError(errors)
    return {
        "home_municipality": data.home_municipality, "corps_role": data.corps_role, "gender": data.gender,
        "languages": join_codes(languages), "age_groups": join_codes(data.age_groups),
        "extremism_kinds": join_codes(data.extremism_kinds), "prison_work": data.prison_work,
        "capacity": data.capacity, "accredited_on": data.accredited_on,
        "accreditation_expires_on": data.accreditation_expires_on, "is_active": data.is_active,
        "notes": data.notes.strip(),
    }


def _audit_profile(profile: MentorProfile, actor: User, action: str, **details: Any) -> None:
    # The register holds data about professionals, not people of concern: no person_id.
    record_event(action=action, actor=actor, object_type="mentor_profile", object_id=profile.pk,
                 purpose="mentor corps register", details={"user": profile.user_id, **details})


@transaction.atomic
def create_profile(*, actor: User, user: User, data: ProfileData) -> MentorProfile:
    """A new entry in the register, for a user who holds a role of the corps and has none yet."""
    _require_coach(actor)
    fields = _check_profile(data, today=timezone.localdate())
    if not corps_candidates().filter(pk=user.pk).exists():
        raise ValidationError({"user": _("%(name)s has no active membership as mentor, parent coach or mentor "
                                         "coach.") % {"name": user.get_full_name() or user.get_username()}})
    already = _("%(name)s is already in the register.") % {"name": user.get_full_name() or user.get_username()}
    if MentorProfile.objects.filter(user=user).exists():
        raise ValidationError({"user": already})
    try:
        with transaction.atomic():
            profile = MentorProfile.objects.create(user=user, **fields)
    except IntegrityError:  # someone else made the entry at the same moment
        raise ValidationError({"user": already}) from None
    _audit_profile(profile, actor, "mentor_profile.created")
    return profile


@transaction.atomic
def update_profile(*, actor: User, profile: MentorProfile, data: ProfileData) -> MentorProfile:
    """Change an entry of the register; the audit row names the fields that changed."""
    _require_coach(actor)
    fields = _check_profile(data, today=timezone.localdate())
    locked = MentorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name, value in fields.items():
        setattr(locked, name, value)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        _audit_profile(locked, actor, "mentor_profile.updated", changed=sorted(changed))
    return locked


# --- supervision and coach pairings -----------------------------------------------------------------------

def log_supervision(*, actor: User, profile: MentorProfile, held_on: date, duration_minutes: int, topics: str,
                    case_pk: int | None = None) -> Supervision:
    """A supervision session the coach (the actor) held with the mentor. It may be tied to a case only
    if the coach is on that case's team (the check reads the case through case_access, audited)."""
    _require_coach(actor)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("A supervision cannot be logged before it is held: the date is in the future.")
    if not 1 <= duration_minutes <= MAX_SUPERVISION_MINUTES:
        errors["duration_minutes"] = _("Give a duration from 1 to %(max)d minutes (24 hours).") % {
            "max": MAX_SUPERVISION_MINUTES}
    if not topics.strip():
        errors["topics"] = _("Say what the supervision was about.")
    case = None
    if case_pk is not None and not errors:
        try:
            access = case_access(actor, case_pk, purpose="mentor supervision: tie to a case")
        except Http404:
            access = None
        if access is None or access.team_member is None:
            errors["case"] = _("A supervision can only be tied to a case whose team you are on.")
        else:
            case = access.case
    if errors:
        raise ValidationError(errors)
    # The check above is outside the transaction, so that a refused case stays in the audit trail.
    with transaction.atomic():
        return _write_supervision(actor=actor, profile=profile, held_on=held_on, duration_minutes=duration_minutes,
                                  topics=topics.strip(), case=case)


def _write_supervision(*, actor: User, profile: MentorProfile, held_on: date, duration_minutes: int, topics: str,
                       case: Case | None) -> Supervision:
    supervision = Supervision.objects.create(mentor=profile, coach=actor, held_on=held_on,
                                             duration_minutes=duration_minutes, topics=topics, case=case)
    # Topics tied to a case may speak of its person: then the audit row names them.
    record_event(action="supervision.logged", actor=actor, object_type="mentor_profile", object_id=profile.pk,
                 person_id=case.person_id if case is not None else "", purpose="mentor supervision",
                 details={"supervision": supervision.pk, "case": case.pk if case is not None else None,
                          "minutes": duration_minutes})
    return supervision


@transaction.atomic
def pair_coach(*, actor: User, profile: MentorProfile, coach: User, started_on: date) -> CoachPairing:
    """Pair a mentor coach with a member of the corps; one open pairing per coach and mentor."""
    _require_coach(actor)
    name = coach.get_full_name() or coach.get_username()
    if not mentor_coaches().filter(pk=coach.pk).exists():
        raise ValidationError({"coach": _("%(name)s is not a mentor coach.") % {"name": name}})
    if coach.pk == profile.user_id:
        raise ValidationError({"coach": _("A coach cannot be paired with themself.")})
    if not profile.is_active:
        raise ValidationError(_("%(name)s is not active in the corps.") % {"name": profile})
    already = _("%(coach)s is already paired with %(mentor)s.") % {"coach": name, "mentor": profile}
    if CoachPairing.objects.filter(coach=coach, mentor=profile, ended_on__isnull=True).exists():
        raise ValidationError({"coach": already})
    try:
        with transaction.atomic():
            pairing = CoachPairing.objects.create(coach=coach, mentor=profile, started_on=started_on)
    except IntegrityError:  # the same pairing made at the same moment
        raise ValidationError({"coach": already}) from None
    _audit_profile(profile, actor, "coach_pairing.created", pairing=pairing.pk, coach=coach.pk)
    return pairing
