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
from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import CAPABILITIES, Capability, Role
from infohus.audit.services import record_event
from infohus.cases.models import Case, ExtremismKind
from infohus.cases.selectors.need_to_know import case_access
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
from infohus.training.selectors.completions import (
    method_training_completed_on,
    method_training_completion_subquery,
)

# The kinds of intervention that take a place in a mentor's capacity.
COURSES = (InterventionKind.MENTORING, InterventionKind.PARENT_COACHING, InterventionKind.PRISON_MENTORSHIP)


def current_load(profile: MentorProfile) -> int:
    """Active courses of mentoring or coaching the mentor provides now."""
    return Intervention.objects.filter(provider_user_id=profile.user_id, status=Intervention.Status.ACTIVE,
                                       kind__in=COURSES).count()


def _load_subquery(user_ref: OuterRef) -> Coalesce:
    courses = (Intervention.objects.filter(provider_user_id=user_ref, status=Intervention.Status.ACTIVE,
                                           kind__in=COURSES)
               .order_by().values("provider_user_id").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(courses, output_field=IntegerField()), Value(0))


def loads(profiles: list[MentorProfile]) -> dict[int, int]:
    """Current load per profile pk, in one query. The same query reads each member's completion of
    the method training from the training record and keeps it on the profile (TRAINED_ON), so that
    reasons_not_assignable asks nothing more for a whole list."""
    if not profiles:
        return {}
    rows = (User.objects.filter(pk__in={p.user_id for p in profiles})
            .annotate(n=_load_subquery(OuterRef("pk")), trained_on=method_training_completion_subquery(OuterRef("pk")))
            .values_list("pk", "n", "trained_on"))
    by_user = {pk: (n, trained_on) for pk, n, trained_on in rows}
    for profile in profiles:
        if not hasattr(profile, TRAINED_ON):
            setattr(profile, TRAINED_ON, by_user.get(profile.user_id, (0, None))[1])
    return {p.pk: by_user.get(p.user_id, (0, None))[0] for p in profiles}


# --- the accreditation that counts -----------------------------------------------------------------------

# The annotation (or attribute) that carries a member's completion of the method training from the
# training record: with_training_record() and loads() set it; training_completed_on() reads it.
TRAINED_ON = "method_training_completed_on"


def with_training_record(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """The profiles with their completion of the method training from the training record (one
    subquery in the same query)."""
    if TRAINED_ON in profiles.query.annotations:
        return profiles
    return profiles.annotate(**{TRAINED_ON: method_training_completion_subquery(OuterRef("user_id"))})


def training_completed_on(profile: MentorProfile) -> date | None:
    """When the member last completed the method training on the platform (the training record):
    from the annotation when the profile was read with it, otherwise one query, kept on the profile."""
    if not hasattr(profile, TRAINED_ON):
        setattr(profile, TRAINED_ON, method_training_completed_on(profile.user_id))
    value: date | None = getattr(profile, TRAINED_ON)
    return value


@dataclass(frozen=True)
class Accreditation:
    """A member's accreditation: the later of the training record's completion and the date a mentor
    coach entered (kept for training done before the platform existed; a tie counts as entered).

    The expiry a coach entered belongs to the date it was entered with: it applies unless the
    training record is newer than an entered date. A coach sets an expiry for the training record
    by leaving the entered date empty (or entering the training record's date)."""

    training_on: date | None
    entered_on: date | None
    entered_expiry: date | None

    @property
    def from_training(self) -> bool:
        return self.training_on is not None and (self.entered_on is None or self.training_on > self.entered_on)

    @property
    def completed_on(self) -> date | None:
        return self.training_on if self.from_training else self.entered_on

    @property
    def expiry_superseded(self) -> bool:
        """An entered expiry that no longer applies: the training record is newer than its date."""
        return self.entered_expiry is not None and self.entered_on is not None and self.from_training

    @property
    def expires_on(self) -> date | None:
        return None if self.expiry_superseded else self.entered_expiry

    def expired(self, on: date) -> bool:
        return self.completed_on is not None and self.expires_on is not None and self.expires_on < on


def accreditation(profile: MentorProfile) -> Accreditation:
    return Accreditation(training_on=training_completed_on(profile), entered_on=profile.accredited_on,
                         entered_expiry=profile.accreditation_expires_on)


def reasons_not_assignable(profile: MentorProfile, *, load: int | None = None, on: date | None = None) -> list[str]:
    """Why this mentor cannot take on a course now; an empty list when they can."""
    on = on or timezone.localdate()
    reasons: list[str] = []
    if not profile.is_active:
        reasons.append(_("%(name)s is not active in the corps.") % {"name": profile})
    held = accreditation(profile)
    if held.completed_on is None:
        reasons.append(_("%(name)s has not completed the method training.") % {"name": profile})
    elif held.expired(on):
        assert held.expires_on is not None
        reasons.append(_("The accreditation of %(name)s expired on %(day)s.")
                       % {"name": profile, "day": date_format(held.expires_on, "Y-m-d")})
    load = current_load(profile) if load is None else load
    if load >= profile.capacity:
        reasons.append(_("%(name)s is at full capacity (%(load)d of %(capacity)d courses).")
                       % {"name": profile, "load": load, "capacity": profile.capacity})
    return reasons


def assignable_q(on: date) -> Q:
    """The part of eligibility a database filter can check (capacity needs the load), on profiles
    read with_training_record. The same rule as Accreditation, written without GREATEST (SQLite and
    PostgreSQL treat its NULLs differently): accredited by either date, and the entered expiry
    either absent, not passed, or superseded by a newer training record."""
    trained = F(TRAINED_ON)
    accredited = Q(accredited_on__isnull=False) | Q(**{f"{TRAINED_ON}__isnull": False})
    superseded = Q(accredited_on__isnull=False) & Q(**{f"{TRAINED_ON}__isnull": False}) & Q(accredited_on__lt=trained)
    not_expired = Q(accreditation_expires_on__isnull=True) | Q(accreditation_expires_on__gte=on) | superseded
    return Q(is_active=True) & accredited & not_expired


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
    return _load_subquery(OuterRef("user_id"))


def with_free_place(profiles: QuerySet[MentorProfile], on: date) -> QuerySet[MentorProfile]:
    """Only those who can be assigned now: active, accredited on the day, and below capacity."""
    return (with_training_record(profiles).annotate(current_load=load_expression())
            .filter(assignable_q(on), current_load__lt=F("capacity")))


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


def _check_expiry(data: ProfileData, *, trained_on: date | None, previous_expiry: date | None) -> str:
    """What is wrong with the expiry entered, or "". An expiry belongs to the completion that
    counts: the entered date, or the training record's when no date is entered (see Accreditation)."""
    expires, entered = data.accreditation_expires_on, data.accredited_on
    if expires is None:
        return ""
    if entered is None and trained_on is None:
        return _("Give the date the method training was completed, or leave the expiry empty.")
    completed = entered if entered is not None else trained_on
    assert completed is not None
    if expires < completed:
        return _("The accreditation cannot expire before the training was completed.")
    if entered is not None and trained_on is not None and trained_on > entered and expires != previous_expiry:
        return _("The training record shows the method training completed on %(trained)s, after the date entered "
                 "above (%(entered)s), so an expiry given with that date would not apply. To set an expiry for the "
                 "training record, leave the date above empty.") % {
            "trained": date_format(trained_on, "Y-m-d"), "entered": date_format(entered, "Y-m-d")}
    return ""


def _check_profile(data: ProfileData, *, today: date, trained_on: date | None = None,
                   previous_expiry: date | None = None) -> dict[str, Any]:
    """The profile's fields as stored, or ValidationError with a message per field. trained_on is the
    member's completion of the method training from the training record; previous_expiry the expiry
    stored before this change (an unchanged expiry is kept even when it no longer applies)."""
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
    expiry_error = _check_expiry(data, trained_on=trained_on, previous_expiry=previous_expiry)
    if expiry_error:
        errors["accreditation_expires_on"] = expiry_error
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
    fields = _check_profile(data, today=timezone.localdate(), trained_on=method_training_completed_on(user.pk))
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
    locked = MentorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    fields = _check_profile(data, today=timezone.localdate(), trained_on=method_training_completed_on(locked.user_id),
                            previous_expiry=locked.accreditation_expires_on)
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
