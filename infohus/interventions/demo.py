"""Synthetic interventions and mentor corps for the demo, made through the same services as the
pages (so every write is audited):

- the register of the mentor corps: mads (Aarhus, mentor), otto (Randers, mentor with prison
  experience), pia (Odder, parent coach) and morten (mentor coach, registered with Aarhus as home
  municipality since the national centre is not a municipality), with morten paired with mads and
  otto and one supervision of each;
- on the demo desk's case, a course of mentoring with mads: three goals (one carried on from the
  latest Balanced Risk Assessment when the assessments demo is there), four sessions over the last
  three months and the next appointment;
- an anonymous advice consultation to next of kin in Aarhus (counted, holding no person);
- a lending request from Aarhus to Randers, sent and waiting for an answer, for an English-speaking
  mentor with experience of prison work.

Everything here is invented. It needs `manage.py demo` and `manage.py demo_desk` first;
`manage.py demo_assessments` is optional (without it the goals stand on their own).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.assessments.demo import demo_case
from infohus.cases.demo import MARKER
from infohus.cases.models import Case
from infohus.cases.models import ExtremismKind as X
from infohus.cases.selectors.need_to_know import case_access
from infohus.interventions.models import (
    AdviceFor,
    AgeGroup,
    CoachPairing,
    CorpsRole,
    Goal,
    Intervention,
    InterventionKind,
    LendingRequest,
    MentorProfile,
    Session,
    Supervision,
)
from infohus.interventions.selectors.access import intervention_access
from infohus.interventions.selectors.interventions import goal_lines
from infohus.interventions.services import corps as corps_services
from infohus.interventions.services import interventions as services
from infohus.interventions.services import lending as lending_services

PURPOSE = "demo data"


class DemoNotReady(Exception):
    """Something the demo interventions build on is missing; the message says what to run."""


@dataclass(frozen=True)
class Made:
    profiles: int = 0
    pairings: int = 0
    supervisions: int = 0
    interventions: int = 0
    goals: int = 0
    sessions: int = 0
    advice: int = 0
    lending: int = 0

    @property
    def total(self) -> int:
        return (self.profiles + self.pairings + self.supervisions + self.interventions + self.goals + self.sessions
                + self.advice + self.lending)


# --- the register -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoProfile:
    username: str
    municipality: str  # the start of the organisation's name
    corps_role: str
    gender: str
    languages: tuple[str, ...]
    age_groups: tuple[str, ...] = ()
    extremism_kinds: tuple[str, ...] = ()
    prison_work: bool = False
    capacity: int = 2
    accredited_on: date | None = None
    accreditation_expires_on: date | None = None
    notes: str = ""


# mads and otto completed the method training on the platform (the training demo's run), so their
# accreditation comes from the training record; pia and morten trained before it and have a date
# entered by a mentor coach.
PROFILES = (
    DemoProfile("mads", "Aarhus", CorpsRole.MENTOR, MentorProfile.Gender.MALE, ("da", "ar"),
                (AgeGroup.YOUNG, AgeGroup.YOUNG_ADULTS), (X.RELIGIOUS, X.RIGHT_WING), capacity=3,
                notes="Mentor i Aarhus siden 2025. Arbejder gerne med unge og deres familier."),
    DemoProfile("otto", "Randers", CorpsRole.MENTOR, MentorProfile.Gender.MALE, ("da", "en"),
                (AgeGroup.YOUNG_ADULTS, AgeGroup.ADULTS), (X.RIGHT_WING, X.HATE_CRIME), prison_work=True, capacity=2,
                notes="Har været mentor for indsatte i Back on Track og følger gerne forløb efter løsladelse."),
    DemoProfile("pia", "Odder", CorpsRole.PARENT_COACH, MentorProfile.Gender.FEMALE, ("da", "so"),
                (AgeGroup.CHILDREN, AgeGroup.YOUNG), capacity=2,
                accredited_on=date(2025, 1, 20), accreditation_expires_on=date(2029, 1, 20),
                notes="Forældrecoach. Taler somali og arbejder med forældre til børn og unge."),
    DemoProfile("morten", "Aarhus", CorpsRole.MENTOR_COACH, MentorProfile.Gender.MALE, ("da", "en"),
                (AgeGroup.YOUNG_ADULTS, AgeGroup.ADULTS), (X.RIGHT_WING, X.RELIGIOUS), prison_work=True, capacity=2,
                accredited_on=date(2023, 5, 15),
                notes="Mentorcoach ved det nationale center. Registreret med Aarhus som hjemkommune, da centret ikke "
                      "er en kommune."),
)

SUPERVISIONS = {
    "mads": (21, 60, "Grænser i mentorrollen: hvor meget kontakt uden for de faste møder? Og hvordan mentoren "
                     "passer på sig selv, når forløbet går i stå."),
    "otto": (35, 90, "Forberedelse af forløb med indsatte før løsladelse: samarbejdet med kriminalforsorgen og "
                     "familiens rolle."),
}


def _municipality(name_start: str) -> Organisation:
    organisation = Organisation.objects.filter(name__startswith=name_start,
                                               kind=Organisation.Kind.MUNICIPALITY).first()
    if organisation is None:
        raise DemoNotReady("The demo organisations are missing: run `manage.py demo` first.")
    return organisation


def _register(users: dict[str, User], coach: User) -> tuple[dict[str, MentorProfile], int]:
    profiles: dict[str, MentorProfile] = {}
    made = 0
    for p in PROFILES:
        existing = MentorProfile.objects.filter(user=users[p.username]).first()
        if existing is not None:
            profiles[p.username] = existing
            continue
        data = corps_services.ProfileData(
            home_municipality=_municipality(p.municipality), corps_role=p.corps_role, gender=p.gender,
            languages=p.languages, age_groups=tuple(p.age_groups), extremism_kinds=tuple(p.extremism_kinds),
            prison_work=p.prison_work, capacity=p.capacity, accredited_on=p.accredited_on,
            accreditation_expires_on=p.accreditation_expires_on, notes=p.notes)
        profiles[p.username] = corps_services.create_profile(actor=coach, user=users[p.username], data=data)
        made += 1
    return profiles, made


def _coaching(profiles: dict[str, MentorProfile], coach: User, today: date) -> tuple[int, int]:
    pairings = supervisions = 0
    for username, (days_ago, minutes, topics) in SUPERVISIONS.items():
        profile = profiles[username]
        if not CoachPairing.objects.filter(coach=coach, mentor=profile, ended_on__isnull=True).exists():
            corps_services.pair_coach(actor=coach, profile=profile, coach=coach,
                                      started_on=today - timedelta(days=120))
            pairings += 1
        if not Supervision.objects.filter(mentor=profile, coach=coach).exists():
            corps_services.log_supervision(actor=coach, profile=profile, held_on=today - timedelta(days=days_ago),
                                           duration_minutes=minutes, topics=topics)
            supervisions += 1
    return pairings, supervisions


# --- the course of mentoring on the demo case ----------------------------------------------------------

STARTED_DAYS_AGO = 91
DESCRIPTION = ("Mentorforløb med ugentlige møder de første måneder, derefter hver anden uge. Fokus på skole, "
               "fritid og på at hun selv kan sige fra over for gruppen.")
GOALS = (
    # (what, days from today, how we will know, status)
    ("Hun møder op i skole hver dag, også i morgentimerne.", 60,
     "Skolen melder fraværet til Carl hver måned; fraværet er under 5 %.", Goal.Status.IN_PROGRESS),
    ("Hun har en fast fritidsaktivitet, som hun selv har valgt.", 30,
     "Hun går til håndbold mindst to gange om ugen og fortæller selv om det til møderne.", Goal.Status.ACHIEVED),
)
# The goal carried on from the Balanced Risk Assessment (or written out when there is none).
GOAL_FROM_ASSESSMENT = ("Hun siger selv fra over for beskederne fra gruppen og fortæller mentoren om dem.", 45,
                        "Hun fortæller ved møderne om de beskeder, hun har fået, og hvad hun svarede.")
SESSIONS = (
    # (days ago, minutes, mode, family, notes)
    (84, 60, Session.Mode.MEETING, "Moren",
     "Første møde hjemme hos moren. Vi aftalte faste møder om tirsdagen, og hun fortalte selv om håndbold."),
    (56, 75, Session.Mode.WALK, "",
     "Gåtur ved åen. Hun fortalte om beskeder fra de ældre i gruppen; vi øvede, hvad hun kan svare."),
    (28, 45, Session.Mode.PHONE, "",
     "Kort telefonsamtale før turneringen. Hun har ikke været sammen med gruppen siden sidst."),
    (7, 60, Session.Mode.MEETING, "Moren og faren",
     "Møde med begge forældre om sommerferien. Vi lavede en plan med to faste aktiviteter om ugen."),
)
NEXT_APPOINTMENT_IN_DAYS = 7


def _mentoring(case: Case, users: dict[str, User], today: date) -> tuple[int, int, int]:
    carl, mads = users["carl"], users["mads"]
    if Intervention.objects.filter(case=case, kind=InterventionKind.MENTORING, provider_user=mads).exists():
        return 0, 0, 0
    start = today - timedelta(days=STARTED_DAYS_AGO)
    on_case = case_access(carl, case.pk, purpose=PURPOSE, audit=False)
    aarhus = on_case.case.owner
    intervention, _warnings = services.start_intervention(
        access=on_case, actor=carl, kind=InterventionKind.MENTORING, organisation=aarhus, started_on=start,
        provider_user=mads, description=DESCRIPTION)
    access = intervention_access(mads, intervention.pk, purpose=PURPOSE, audit=False)

    goals: list[Goal] = []
    what, days, how = GOAL_FROM_ASSESSMENT
    lines = [line for line in goal_lines(access) if line.field == "goals"]
    goals.append(services.add_goal(access=access, actor=mads, what=lines[0].text if lines else what,
                                   by_when=today + timedelta(days=days), how_we_know=how,
                                   from_assessment=lines[0].assessment.pk if lines else None))
    for what, days, how, status in GOALS:
        goal = services.add_goal(access=access, actor=mads, what=what, by_when=today + timedelta(days=days),
                                 how_we_know=how)
        goals.append(services.update_goal(access=access, actor=mads, goal=goal, status=status))

    for n, (days_ago, minutes, mode, family, notes) in enumerate(SESSIONS):
        last = n == len(SESSIONS) - 1
        services.log_session(
            access=access, actor=mads, held_on=today - timedelta(days=days_ago), duration_minutes=minutes, mode=mode,
            family=family, notes=notes, compartment=Compartment.GENERAL.value,
            goal_ids=[goals[n % len(goals)].pk],
            next_appointment=(today + timedelta(days=NEXT_APPOINTMENT_IN_DAYS) if last
                              else today - timedelta(days=SESSIONS[n + 1][0])))
    return 1, len(goals), len(SESSIONS)


# --- an anonymous advice consultation ---------------------------------------------------------------------

ADVICE_NOTES = (f"{MARKER} En mor ringede, bekymret over, at hendes søn på 16 bruger meget tid i et onlineforum. "
                "Vi talte om, hvordan hun kan spørge nysgerrigt ind uden at fordømme, og om hvor hun kan få hjælp, "
                "hvis bekymringen vokser. Hun ønskede at være anonym.")


def _advice(users: dict[str, User], today: date) -> int:
    if Session.objects.filter(intervention__case__isnull=True, notes__startswith=MARKER).exists():
        return 0
    services.start_advice_consultation(actor=users["carl"], organisation=_municipality("Aarhus"),
                                       advice_for=AdviceFor.NEXT_OF_KIN, held_on=today - timedelta(days=10),
                                       duration_minutes=40, notes=ADVICE_NOTES, anonymous=True)
    return 1


# --- a lending request, waiting for Randers ---------------------------------------------------------------

LENDING_SUMMARY = ("En ung mand på 19 år løslades om to måneder efter en dom for en hadforbrydelse. Han taler "
                   "bedst engelsk og ønsker en mentor, der kender til arbejdet i fængslerne, til at støtte ham i "
                   "overgangen til uddannelse og bolig.")


def _lending(case: Case, users: dict[str, User]) -> int:
    if LendingRequest.objects.filter(case=case).exists():
        return 0
    carl = users["carl"]
    on_case = case_access(carl, case.pk, purpose=PURPOSE, audit=False)
    lending_services.send_request(
        access=on_case, actor=carl, requesting_organisation=on_case.case.owner,
        lending_organisation=_municipality("Randers"), corps_role=CorpsRole.MENTOR,
        needs={"languages": ["en"], "age_group": AgeGroup.YOUNG_ADULTS.value, "prison_work": True},
        summary=LENDING_SUMMARY, hours_per_month=6)
    return 1


def lending_case() -> Case | None:
    """The demo case a lending request goes out from: another demo case of Aarhus if there is one,
    else the demo desk's case."""
    first = demo_case()
    if first is None:
        return None
    other = (Case.objects.filter(opening_decision__concern__observed__startswith=MARKER, owner=first.owner,
                                 lead=first.lead, status=Case.Status.OPEN)
             .exclude(pk=first.pk).order_by("pk").first())
    return other or first


@transaction.atomic
def create_demo_interventions() -> Made:
    """Idempotent: each part is made only when it is missing. Returns how many rows were made."""
    case = demo_case()
    if case is None:
        raise DemoNotReady("The demo case is missing: run `manage.py demo` and `manage.py demo_desk` first.")
    names = ["carl", "mads", "otto", "pia", "morten"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) != len(names):
        raise DemoNotReady("The demo people are missing: run `manage.py demo` first.")
    today = timezone.localdate()
    profiles, made_profiles = _register(users, users["morten"])
    pairings, supervisions = _coaching(profiles, users["morten"], today)
    interventions, goals, sessions = _mentoring(case, users, today)
    advice = _advice(users, today)
    borrowing = lending_case()
    assert borrowing is not None
    lending = _lending(borrowing, users)
    return Made(profiles=made_profiles, pairings=pairings, supervisions=supervisions, interventions=interventions,
                goals=goals, sessions=sessions, advice=advice, lending=lending)
