"""Reading the register of the mentor corps: the search by needs, one entry, and its page.

The register is about professionals, never about a person of concern: a search takes needs (a
language, an age group, a kind of extremism, a gender, prison work, free capacity, a role, a
distance from a municipality) and each result says in words why the mentor fits, from the
mentor's data and the stated needs only. Reads are audited with object_type "mentor_profile" and
no person, except the topics of a supervision tied to a case, which may speak of its person.

Who reads: those who manage cases or coach mentors read the whole register; a mentor reads their
own entry and nobody else's (profile_for_user answers 404, audited, like the other selectors).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from infohus.accounts.models import Organisation
from infohus.accounts.permissions import organisations_with
from infohus.accounts.roles import Capability
from infohus.audit.services import record_event
from infohus.cases.models import ExtremismKind
from infohus.cases.selectors.need_to_know import cases_visible_to
from infohus.interventions import municipalities
from infohus.interventions.languages import language_name
from infohus.interventions.models import AgeGroup, CoachPairing, CorpsRole, MentorProfile, Supervision
from infohus.interventions.services.corps import (
    Accreditation,
    accreditation,
    current_load,
    has_code_q,
    load_expression,
    loads,
    reasons_not_assignable,
    split_codes,
    training_completed_on,
    with_free_place,
    with_training_record,
)
from infohus.training.selectors.completions import MethodTrainingRecord, method_training_record

REGISTER_PAGE_SIZE = 50
SUPERVISIONS_SHOWN = 50
PAIRINGS_SHOWN = 50
PURPOSE = "mentor corps register"

# How each need reads when a mentor meets it.
AGE_GROUP_FITS = {
    AgeGroup.CHILDREN: gettext_lazy("works with children under 15"),
    AgeGroup.YOUNG: gettext_lazy("works with young people 15–17"),
    AgeGroup.YOUNG_ADULTS: gettext_lazy("works with young adults 18–29"),
    AgeGroup.ADULTS: gettext_lazy("works with adults 30 and over"),
}
EXTREMISM_FITS = {
    ExtremismKind.RIGHT_WING: gettext_lazy("has worked with right-wing extremism"),
    ExtremismKind.LEFT_WING: gettext_lazy("has worked with left-wing extremism"),
    ExtremismKind.RELIGIOUS: gettext_lazy("has worked with religious extremism"),
    ExtremismKind.SINGLE_ISSUE: gettext_lazy("has worked with single-issue extremism"),
    ExtremismKind.HATE_CRIME: gettext_lazy("has worked with hate crime"),
    ExtremismKind.MIXED: gettext_lazy("has worked with mixed or unclear extremism"),
}
GENDER_FITS = {
    MentorProfile.Gender.FEMALE: gettext_lazy("is a woman"),
    MentorProfile.Gender.MALE: gettext_lazy("is a man"),
    MentorProfile.Gender.OTHER: gettext_lazy("gender: other"),
}
ROLE_FITS = {
    CorpsRole.MENTOR: gettext_lazy("is a mentor"),
    CorpsRole.PARENT_COACH: gettext_lazy("is a parent or relative coach"),
    CorpsRole.MENTOR_COACH: gettext_lazy("is a mentor coach"),
}


# --- who reads the register ------------------------------------------------------------------------

def is_register_reader(user: Any) -> bool:
    """Whether any of the user's memberships manages cases or coaches mentors."""
    return (organisations_with(user, Capability.MANAGE_CASE).exists()
            or organisations_with(user, Capability.COACH_MENTORS).exists())


def profile_for_user(user: Any, pk: int, *, purpose: str = "mentor corps: profile",
                     register_reader: bool | None = None, audit: bool = True) -> MentorProfile:
    """Fetch and authorise in one call: an entry of the register the user may open, or 404 (audited).

    register_reader says whether the user acts as a reader of the whole register (the views pass
    what the active membership allows); when None, any of the user's memberships counts. Anyone
    else opens only their own entry.
    """
    # The load and the training record's completion come in the same query, for the entry's page.
    profile = (with_training_record(MentorProfile.objects.select_related("user", "home_municipality"))
               .annotate(current_load=load_expression()).filter(pk=pk).first())
    reader = is_register_reader(user) if register_reader is None else register_reader
    own = profile is not None and profile.user_id == getattr(user, "pk", None)
    if profile is None or not (reader or own):
        record_event(action="mentor_profile.refused", actor=user, object_type="mentor_profile", object_id=pk,
                     purpose=purpose, details={"exists": profile is not None})
        raise Http404
    if audit:
        record_event(action="mentor_profile.viewed", actor=user, object_type="mentor_profile", object_id=pk,
                     purpose=purpose, details={"own": own and not reader})
    return profile


# --- the search --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Needs:
    """What a mentor is sought for. Nothing here is about the person of concern as such: each
    field is a need a mentor can meet."""

    name: str = ""
    language: str = ""
    age_group: str = ""
    extremism_kind: str = ""
    gender: str = ""
    prison_work: bool = False
    free_only: bool = False
    corps_role: str = ""
    near: Organisation | None = None
    within_km: int | None = None
    include_inactive: bool = False

    @property
    def stated(self) -> bool:
        """Whether any need is stated (a name alone is a look-up, not a need)."""
        return bool(self.language or self.age_group or self.extremism_kind or self.gender or self.prison_work
                    or self.free_only or self.corps_role or self.near is not None)

    def as_details(self) -> dict[str, Any]:
        """The needs for the audit row (only those stated)."""
        details = {"name": self.name, "language": self.language, "age_group": self.age_group,
                   "extremism_kind": self.extremism_kind, "gender": self.gender, "prison_work": self.prison_work,
                   "free_only": self.free_only, "corps_role": self.corps_role,
                   "near": self.near.pk if self.near is not None else None, "within_km": self.within_km,
                   "include_inactive": self.include_inactive}
        return {key: value for key, value in details.items() if value not in ("", None, False)}


@dataclass(frozen=True)
class Origin:
    """The municipality distances are measured from, and whether its location is known."""

    organisation: Organisation
    name: str
    distances: dict[str, int]  # municipality code -> rounded km; empty when the location is not known

    @property
    def known(self) -> bool:
        return bool(self.distances)


def origin_of(organisation: Organisation | None) -> Origin | None:
    if organisation is None:
        return None
    where = municipalities.place(organisation.municipality_code)
    return Origin(organisation=organisation, name=where.name if where else organisation.name,
                  distances=municipalities.distances_from(organisation.municipality_code))


def search(needs: Needs, *, on: date | None = None) -> QuerySet[MentorProfile]:
    """Entries of the register that meet the needs, nearest first when a municipality is chosen
    (those whose distance is not known last, never left out), otherwise by name."""
    on = on or timezone.localdate()
    profiles = MentorProfile.objects.select_related("user", "home_municipality")
    if not needs.include_inactive:
        profiles = profiles.filter(is_active=True)
    for word in needs.name.split():
        profiles = profiles.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                                   | Q(user__username__icontains=word))
    if needs.language:
        profiles = profiles.filter(has_code_q("languages", needs.language))
    if needs.age_group:
        profiles = profiles.filter(has_code_q("age_groups", needs.age_group))
    if needs.extremism_kind:
        profiles = profiles.filter(has_code_q("extremism_kinds", needs.extremism_kind))
    if needs.gender:
        profiles = profiles.filter(gender=needs.gender)
    if needs.prison_work:
        profiles = profiles.filter(prison_work=True)
    if needs.corps_role:
        profiles = profiles.filter(corps_role=needs.corps_role)
    if needs.free_only:
        profiles = with_free_place(profiles, on)
    by_name = ("user__last_name", "user__first_name", "pk")
    origin = origin_of(needs.near)
    if origin is None or not origin.known:
        return profiles.order_by(*by_name)
    distances = origin.distances
    if needs.within_km is not None:
        near_codes = [code for code, km in distances.items() if km <= needs.within_km]
        # A home municipality without a known location stays in, marked "distance not known".
        profiles = profiles.filter(Q(home_municipality__municipality_code__in=near_codes)
                                   | ~Q(home_municipality__municipality_code__in=list(distances)))
    distance = CaseWhen(*[When(home_municipality__municipality_code=code, then=Value(km))
                          for code, km in distances.items()], default=Value(None), output_field=IntegerField())
    return profiles.annotate(distance_km=distance).order_by(F("distance_km").asc(nulls_last=True), *by_name)


def accreditation_in_words(held: Accreditation, *, on: date) -> str:
    """The accreditation that counts, in words, saying where its date comes from."""
    if held.completed_on is None:
        return _("No method training recorded.")
    if held.from_training:
        completed = _("%(on)s (training record)") % {"on": held.completed_on.isoformat()}
    else:
        completed = held.completed_on.isoformat()
    expires = held.expires_on
    if expires is None:
        return _("Completed %(on)s; no expiry recorded.") % {"on": completed}
    if expires < on:
        return _("Completed %(on)s; expired on %(day)s.") % {"on": completed, "day": expires.isoformat()}
    return _("Completed %(on)s; valid until %(day)s.") % {"on": completed, "day": expires.isoformat()}


def training_record_in_words(profile: MentorProfile) -> str:
    """For the coach's form: what the training record says about the method training, if anything."""
    trained_on = training_completed_on(profile)
    if trained_on is None:
        return _("The training record shows no completed method training run for this member.")
    return _("The training record shows the method training completed on %(day)s. The later of that date and "
             "the date entered below counts.") % {"day": trained_on.isoformat()}


def places_in_words(*, load: int, capacity: int) -> str:
    free = capacity - load
    if free <= 0:
        return _("no place free (%(load)d of %(capacity)d courses taken)") % {"load": load, "capacity": capacity}
    return ngettext("%(free)d of %(capacity)d place free", "%(free)d of %(capacity)d places free", capacity) % {
        "free": free, "capacity": capacity}


def distance_in_words(profile: MentorProfile, origin: Origin) -> str:
    if not origin.known:
        return _("distance not known: no location is recorded for %(place)s") % {"place": origin.name}
    home = municipalities.normalise(profile.home_municipality.municipality_code)
    km = origin.distances.get(home)
    if home and home == municipalities.normalise(origin.organisation.municipality_code):
        return _("based in %(place)s") % {"place": origin.name}
    if km is None:
        return _("distance from %(place)s not known: no location is recorded for %(home)s") % {
            "place": origin.name, "home": profile.home_municipality.name}
    return _("%(km)d km from %(place)s") % {"km": km, "place": origin.name}


def why_it_fits(profile: MentorProfile, needs: Needs, *, load: int, origin: Origin | None, on: date) -> list[str]:
    """In words, why this mentor meets the stated needs: from the mentor's data and the needs only."""
    if not needs.stated:
        return []
    fits: list[str] = []
    if needs.corps_role in ROLE_FITS:
        fits.append(str(ROLE_FITS[CorpsRole(needs.corps_role)]))
    if needs.language:
        fits.append(_("speaks %(language)s") % {"language": language_name(needs.language)})
    if needs.age_group in AGE_GROUP_FITS:
        fits.append(str(AGE_GROUP_FITS[AgeGroup(needs.age_group)]))
    if needs.extremism_kind in EXTREMISM_FITS:
        fits.append(str(EXTREMISM_FITS[ExtremismKind(needs.extremism_kind)]))
    if needs.gender in GENDER_FITS:
        fits.append(str(GENDER_FITS[MentorProfile.Gender(needs.gender)]))
    if needs.prison_work:
        fits.append(_("has experience of prison work"))
    if origin is not None:
        fits.append(distance_in_words(profile, origin))
    fits.append(places_in_words(load=load, capacity=profile.capacity))
    if needs.free_only:
        expires = accreditation(profile).expires_on
        fits.append(_("accredited until %(day)s") % {"day": expires.isoformat()} if expires
                    else _("accredited, no expiry recorded"))
    return fits


@dataclass(frozen=True)
class RegisterRow:
    profile: MentorProfile
    load: int
    reasons: list[str]
    accreditation: str
    accreditation_expired: bool
    distance_km: int | None
    fits: list[str]
    held: Accreditation | None = None
    languages: list[str] = field(default_factory=list)
    age_groups: list[str] = field(default_factory=list)
    extremism_kinds: list[str] = field(default_factory=list)

    @property
    def assignable(self) -> bool:
        return not self.reasons

    @property
    def fits_text(self) -> str:
        return "; ".join(self.fits)


@dataclass(frozen=True)
class RegisterPage:
    page: Page[MentorProfile]
    rows: list[RegisterRow]
    needs: Needs
    origin: Origin | None


def _labels(codes: str, choices: type[AgeGroup] | type[ExtremismKind]) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(code, code)) for code in split_codes(codes)]


def row_for(profile: MentorProfile, needs: Needs, *, load: int, origin: Origin | None, on: date) -> RegisterRow:
    held = accreditation(profile)
    return RegisterRow(
        profile=profile, load=load, reasons=reasons_not_assignable(profile, load=load, on=on),
        accreditation=accreditation_in_words(held, on=on), accreditation_expired=held.expired(on),
        distance_km=getattr(profile, "distance_km", None),
        fits=why_it_fits(profile, needs, load=load, origin=origin, on=on), held=held,
        languages=[language_name(code) for code in split_codes(profile.languages)],
        age_groups=_labels(profile.age_groups, AgeGroup),
        extremism_kinds=_labels(profile.extremism_kinds, ExtremismKind),
    )


def register_page(user: Any, needs: Needs, *, page_number: Any = None, on: date | None = None) -> RegisterPage:
    """One page of the search (50 entries), each with its load, why it fits and why it cannot be
    assigned, in a fixed number of queries; the listing is audited."""
    on = on or timezone.localdate()
    origin = origin_of(needs.near)
    page = Paginator(search(needs, on=on), REGISTER_PAGE_SIZE).get_page(page_number)
    profiles = list(page.object_list)
    load_of = loads(profiles)
    rows = [row_for(p, needs, load=load_of[p.pk], origin=origin, on=on) for p in profiles]
    record_event(action="mentor_profile.listed", actor=user, object_type="mentor_profile", purpose=PURPOSE,
                 details={"profiles": [p.pk for p in profiles], "needs": needs.as_details()})
    return RegisterPage(page=page, rows=rows, needs=needs, origin=origin)


# --- one entry -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupervisionRow:
    supervision: Supervision
    topics: str | None  # None: not shown to this reader
    case_reference: str  # only when the reader sees the case
    hidden_because_of_case: bool


@dataclass(frozen=True)
class ProfilePage:
    row: RegisterRow
    supervisions: list[SupervisionRow]
    supervision_count: int
    pairings: list[CoachPairing]
    own: bool
    sees_topics: bool
    # The training record the accreditation may come from (None: no completion recorded there).
    training: MethodTrainingRecord | None = None


def profile_page(user: Any, profile: MentorProfile, *, coach: bool, on: date | None = None) -> ProfilePage:
    """The entry with its load, supervisions and pairings. Supervision topics are shown to mentor
    coaches and to the mentor themself; those tied to a case only to readers who see that case
    (and that read is audited with the person)."""
    on = on or timezone.localdate()
    own = profile.user_id == getattr(user, "pk", None)
    sees_topics = coach or own
    load = getattr(profile, "current_load", None)  # annotated by profile_for_user
    if load is None:
        load = current_load(profile)
    # The run of the training record (one query, only when there is one); the viewer gets a link to
    # it only if they may open the run.
    training = (method_training_record(profile.user_id, viewer=user)
                if training_completed_on(profile) is not None else None)
    supervisions = list(Supervision.objects.filter(mentor=profile).select_related("coach", "case")
                        .order_by("-held_on", "-pk")[:SUPERVISIONS_SHOWN])
    count = Supervision.objects.filter(mentor=profile).count()
    case_ids = {s.case_id for s in supervisions if s.case_id is not None}
    visible: set[int] = set()
    if sees_topics and case_ids:
        visible = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    rows = []
    for s in supervisions:
        tied = s.case_id is not None
        shown = sees_topics and (not tied or s.case_id in visible)
        rows.append(SupervisionRow(supervision=s, topics=s.topics if shown else None,
                                   case_reference=s.case.reference if tied and s.case_id in visible and s.case
                                   else "",
                                   hidden_because_of_case=sees_topics and tied and s.case_id not in visible))
    shown_cases = sorted({s.case for s in supervisions if s.case_id in visible and s.case is not None},
                         key=lambda c: c.pk)
    if shown_cases:
        persons = sorted({c.person_id for c in shown_cases})
        record_event(action="supervision.topics_viewed", actor=user, object_type="mentor_profile",
                     object_id=profile.pk, person_id=persons[0] if len(persons) == 1 else "",
                     purpose="mentor supervision", details={"cases": [c.pk for c in shown_cases], "persons": persons})
    pairings = list(CoachPairing.objects.filter(mentor=profile).select_related("coach")
                    .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-pk")[:PAIRINGS_SHOWN])
    return ProfilePage(row=row_for(profile, Needs(), load=load, origin=None, on=on), supervisions=rows,
                       supervision_count=count, pairings=pairings, own=own, sees_topics=sees_topics,
                       training=training)


def audit_read(user: Any, profile: MentorProfile, *, purpose: str) -> None:
    """The read of an entry shown again with a refused form (its fetch was not audited)."""
    record_event(action="mentor_profile.viewed", actor=user, object_type="mentor_profile", object_id=profile.pk,
                 purpose=purpose, details={"own": False})


def supervision_cases(user: Any) -> list[tuple[int, str]]:
    """(pk, reference) of the open cases the user sees, to tie a supervision to; the service then
    accepts only those whose team the user is on."""
    return list(cases_visible_to(user).filter(status="open").order_by("reference")
                .values_list("pk", "reference"))
