"""Reads for lending mentors between municipalities: the two lists of a user's requests, the corps
members a lending municipality can offer (with why each can or cannot be assigned, and how each
meets the needs), the hours a lending has used, the hours report, and a case's requests.

Which requests a user may see is decided in selectors/access.py (requests_borrowed_by,
requests_to_lend, lending_access); everything here starts from there or from a CaseAccess. The
lending side's reads never touch the case or the person. The hours report is aggregates only.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import BooleanField, QuerySet, Sum, Value, When
from django.db.models import Case as Switch
from django.utils.translation import gettext as _

from infohus.cases import identifiers
from infohus.cases.models import ExtremismKind
from infohus.cases.selectors.need_to_know import CaseAccess
from infohus.interventions.languages import language_name
from infohus.interventions.models import AgeGroup, CorpsRole, LendingRequest, MentorProfile, Session
from infohus.interventions.selectors.access import requests_borrowed_by, requests_to_lend
from infohus.interventions.services.corps import loads, reasons_not_assignable

S = LendingRequest.Status

# The roles a request may ask for, and the roles in the corps that may answer each.
ROLES_NEEDED = (CorpsRole.MENTOR, CorpsRole.PARENT_COACH)
FILLS: dict[str, frozenset[str]] = {
    CorpsRole.MENTOR: frozenset({CorpsRole.MENTOR, CorpsRole.MENTOR_COACH}),
    CorpsRole.PARENT_COACH: frozenset({CorpsRole.PARENT_COACH}),
}


# --- the lists ------------------------------------------------------------------------------------

def _waiting_when(status: str) -> Switch:
    return Switch(When(status=status, then=Value(True)), default=Value(False), output_field=BooleanField())


def borrowed_list(user: Any) -> QuerySet[LendingRequest]:
    """Requests sent by the user's municipalities; those with an offer waiting for acceptance first."""
    return (requests_borrowed_by(user).select_related("lending_organisation", "case")
            .annotate(waiting=_waiting_when(S.OFFERED)).order_by("-waiting", "-sent_at", "-pk"))


def to_lend_list(user: Any) -> QuerySet[LendingRequest]:
    """Requests to the user's municipalities; those waiting for an answer first. The case is not
    loaded: the lending side never sees it."""
    return (requests_to_lend(user).select_related("requesting_organisation")
            .annotate(waiting=_waiting_when(S.SENT)).order_by("-waiting", "-sent_at", "-pk"))


def case_lendings(access: CaseAccess) -> list[LendingRequest]:
    """The lending requests of a case the reader has opened, newest first: one query."""
    return list(LendingRequest.objects.filter(case_id=access.case.pk).select_related("lending_organisation")
                .order_by("-sent_at", "-pk"))


# --- needs and how mentors meet them ----------------------------------------------------------------

def _codes(csv: str) -> list[str]:
    return [code.strip() for code in csv.split(",") if code.strip()]


def _label(choices: type[Any], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def needs_in_words(needs: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, value) for each need of a request, in the page's language."""
    rows: list[tuple[str, str]] = []
    if needs.get("languages"):
        rows.append((_("Languages"), ", ".join(language_name(code) for code in needs["languages"])))
    if needs.get("age_group"):
        rows.append((_("Age group"), _label(AgeGroup, needs["age_group"])))
    if needs.get("extremism_kind"):
        rows.append((_("Kind of extremism"), _label(ExtremismKind, needs["extremism_kind"])))
    if needs.get("gender"):
        rows.append((_("Mentor's gender"), _label(MentorProfile.Gender, needs["gender"])))
    if needs.get("prison_work"):
        rows.append((_("Prison work"), _("Experience of prison work needed")))
    return rows


def profile_in_words(profile: MentorProfile) -> dict[str, str]:
    """What a borrowing municipality is told about an offered mentor: the professional, never a
    judgement."""
    return {
        "languages": ", ".join(language_name(code) for code in _codes(profile.languages)),
        "age_groups": ", ".join(_label(AgeGroup, code) for code in _codes(profile.age_groups)),
        "extremism_kinds": ", ".join(_label(ExtremismKind, code) for code in _codes(profile.extremism_kinds)),
    }


def fit_to_needs(profile: MentorProfile, needs: dict[str, Any]) -> tuple[list[str], list[str]]:
    """How a mentor meets the request's needs: (what fits, what does not), each in words."""
    fits: list[str] = []
    misses: list[str] = []
    spoken = set(_codes(profile.languages))
    for code in needs.get("languages") or []:
        name = language_name(code)
        (fits if code in spoken else misses).append(
            (_("Speaks %(language)s") if code in spoken else _("Does not speak %(language)s")) % {"language": name})
    age_group = needs.get("age_group")
    if age_group:
        label = _label(AgeGroup, age_group)
        if age_group in _codes(profile.age_groups):
            fits.append(_("Works with %(group)s") % {"group": label.lower()})
        else:
            misses.append(_("No recorded experience with %(group)s") % {"group": label.lower()})
    kind = needs.get("extremism_kind")
    if kind:
        label = _label(ExtremismKind, kind)
        if kind in _codes(profile.extremism_kinds):
            fits.append(_("Experience of: %(kind)s") % {"kind": label})
        else:
            misses.append(_("No recorded experience of: %(kind)s") % {"kind": label})
    gender = needs.get("gender")
    if gender:
        label = _label(MentorProfile.Gender, gender)
        if profile.gender == gender:
            fits.append(_("Gender as asked: %(gender)s") % {"gender": label.lower()})
        else:
            misses.append(_("Not the gender asked for (%(gender)s)") % {"gender": label.lower()})
    if needs.get("prison_work"):
        if profile.prison_work:
            fits.append(_("Has worked in prisons"))
        else:
            misses.append(_("No experience of prison work"))
    return fits, misses


@dataclass(frozen=True)
class MentorOption:
    """A corps member the lending municipality may offer, with their load and why they can or
    cannot be assigned now."""

    profile: MentorProfile
    load: int
    reasons: list[str]
    fits: list[str]
    misses: list[str]

    @property
    def assignable(self) -> bool:
        return not self.reasons

    @property
    def languages(self) -> str:
        return ", ".join(language_name(code) for code in _codes(self.profile.languages))

    @property
    def label(self) -> str:
        if self.reasons:
            return _("%(name)s: %(reasons)s") % {"name": self.profile, "reasons": " ".join(self.reasons)}
        return _("%(name)s: can be assigned (%(load)d of %(capacity)d courses)") % {
            "name": self.profile, "load": self.load, "capacity": self.profile.capacity}


def corps_options(request: LendingRequest) -> list[MentorOption]:
    """The lending municipality's active corps members in a role that answers the request: two
    queries (the members with their users, and their loads)."""
    roles = FILLS.get(request.corps_role, frozenset())
    profiles = list(MentorProfile.objects.filter(home_municipality_id=request.lending_organisation_id,
                                                 is_active=True, corps_role__in=roles)
                    .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    load_of = loads(profiles) if profiles else {}
    options = []
    for profile in profiles:
        fits, misses = fit_to_needs(profile, request.needs or {})
        load = load_of.get(profile.pk, 0)
        options.append(MentorOption(profile=profile, load=load, reasons=reasons_not_assignable(profile, load=load),
                                    fits=fits, misses=misses))
    return options


# --- hours ----------------------------------------------------------------------------------------

def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (for reimbursement)."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def minutes_so_far(request: LendingRequest) -> int:
    """Minutes of the sessions logged under a lending: one query."""
    total = Session.objects.filter(lending_id=request.pk).aggregate(total=Sum("duration_minutes"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class MunicipalityHours:
    name: str
    code: str
    minutes_lent: int
    minutes_borrowed: int

    @property
    def hours_lent(self) -> Decimal:
        return hours(self.minutes_lent)

    @property
    def hours_borrowed(self) -> Decimal:
        return hours(self.minutes_borrowed)


@dataclass(frozen=True)
class PairHours:
    lending: str
    lending_code: str
    borrowing: str
    borrowing_code: str
    minutes: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class HoursReport:
    start: date
    end: date
    municipalities: list[MunicipalityHours]
    pairs: list[PairHours]

    @property
    def total_minutes(self) -> int:
        return sum(pair.minutes for pair in self.pairs)

    @property
    def total_hours(self) -> Decimal:
        return hours(self.total_minutes)


def hours_report(start: date, end: date) -> HoursReport:
    """Hours lent and borrowed per municipality, and per pair (lending → borrowing), from the
    sessions held in the period under a lending: one aggregate query, no personal data and no case."""
    lender, borrower = "lending__lending_organisation", "lending__requesting_organisation"
    rows = (Session.objects.filter(lending__isnull=False, held_on__gte=start, held_on__lte=end).order_by()
            .values(f"{lender}_id", f"{lender}__name", f"{lender}__municipality_code",
                    f"{borrower}_id", f"{borrower}__name", f"{borrower}__municipality_code")
            .annotate(minutes=Sum("duration_minutes")))
    totals: dict[int, dict[str, Any]] = {}
    pairs: list[PairHours] = []
    for row in rows:
        minutes = int(row["minutes"] or 0)
        lending = totals.setdefault(row[f"{lender}_id"], {
            "name": row[f"{lender}__name"], "code": row[f"{lender}__municipality_code"], "lent": 0, "borrowed": 0})
        borrowing = totals.setdefault(row[f"{borrower}_id"], {
            "name": row[f"{borrower}__name"], "code": row[f"{borrower}__municipality_code"], "lent": 0,
            "borrowed": 0})
        lending["lent"] += minutes
        borrowing["borrowed"] += minutes
        pairs.append(PairHours(lending=lending["name"], lending_code=lending["code"], borrowing=borrowing["name"],
                               borrowing_code=borrowing["code"], minutes=minutes))
    municipalities = sorted(
        (MunicipalityHours(name=t["name"], code=t["code"], minutes_lent=t["lent"], minutes_borrowed=t["borrowed"])
         for t in totals.values()), key=lambda m: m.name.casefold())
    pairs.sort(key=lambda p: (p.lending.casefold(), p.borrowing.casefold()))
    return HoursReport(start=start, end=end, municipalities=municipalities, pairs=pairs)


# --- the summary of a request must not identify the person -------------------------------------------

def identifying_details(access: CaseAccess, text: str) -> list[str]:
    """Which of the person's first name, last name and national identifier the text contains, in
    words (empty when none). A light check for the borrowing side, which has opened the case: it
    cannot catch every detail that identifies someone, only the obvious ones."""
    person = access.case.person
    found: list[str] = []
    for what, name in ((_("the first name"), person.first_name), (_("the last name"), person.last_name)):
        words = [w for w in re.split(r"[\s\-]+", name.strip()) if len(w) >= 2]
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words):
            found.append(what)
    identifier = identifiers.decrypt(person.identifier_encrypted)
    if identifier:
        digits = identifiers.normalise(person.identifier_country, identifier)
        if digits and digits in identifiers.normalise(person.identifier_country, text):
            found.append(_("the national identifier"))
    return found
