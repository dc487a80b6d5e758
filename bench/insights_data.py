"""Benchmark data for the insights dashboard and the retention run: a national deployment.

Fills a PostgreSQL database with synthetic people only (nobody here is real): N persons of
concern (default 1,000,000) living in the 98 Danish municipalities, which send their concerns to
the Info houses of the 12 police districts; about 1.05 N concerns received over ten years, with
sources, kinds of extremism, statuses and, for most, a triage decision with its date; about
0.1 N cases (open, or closed with an outcome); 0.15 N interventions with about N sessions;
mentors lent between municipalities (lending requests whose sessions count as lent hours);
training runs with enrolments, days and attendance, and two recurring requirements; dialogue
meetings and outreach events.

    .venv/bin/python bench/insights_data.py --reset                 # drop, create, migrate, fill
    .venv/bin/python bench/insights_data.py --reset --people 100000
    .venv/bin/python bench/insights_data.py                         # fill only if empty

Rows are written with COPY through psycopg 3 (bench/desk.py's Writer), from a fixed seed, so the
same N gives the same data. Without --reset an already filled database is left as it is.
bench/insights.py measures the dashboard on it and bench/retention.py a retention run on a copy
of it. Not part of the test suite; see bench/README.md, section "Insights dashboard".
"""

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/infohus_bench"
SEED = 20261208
YEARS = 10

# The 12 police districts and their municipalities (official three-digit codes), 98 in all.
DISTRICTS: dict[str, dict[str, str]] = {
    "Nordjyllands Politi": {
        "810": "Brønderslev", "813": "Frederikshavn", "820": "Vesthimmerlands", "825": "Læsø", "840": "Rebild",
        "846": "Mariagerfjord", "849": "Jammerbugt", "851": "Aalborg", "860": "Hjørring"},
    "Østjyllands Politi": {
        "751": "Aarhus", "730": "Randers", "710": "Favrskov", "706": "Syddjurs", "707": "Norddjurs",
        "727": "Odder", "741": "Samsø", "746": "Skanderborg"},
    "Midt- og Vestjyllands Politi": {
        "657": "Herning", "661": "Holstebro", "665": "Lemvig", "671": "Struer", "756": "Ikast-Brande",
        "760": "Ringkøbing-Skjern", "779": "Skive", "791": "Viborg", "740": "Silkeborg", "773": "Morsø",
        "787": "Thisted"},
    "Sydøstjyllands Politi": {
        "615": "Horsens", "766": "Hedensted", "630": "Vejle", "607": "Fredericia", "621": "Kolding",
        "530": "Billund"},
    "Syd- og Sønderjyllands Politi": {
        "561": "Esbjerg", "563": "Fanø", "573": "Varde", "575": "Vejen", "510": "Haderslev", "580": "Aabenraa",
        "540": "Sønderborg", "550": "Tønder"},
    "Fyns Politi": {
        "410": "Middelfart", "420": "Assens", "430": "Faaborg-Midtfyn", "440": "Kerteminde", "450": "Nyborg",
        "461": "Odense", "479": "Svendborg", "480": "Nordfyns", "482": "Langeland", "492": "Ærø"},
    "Sydsjællands og Lolland-Falsters Politi": {
        "320": "Faxe", "336": "Stevns", "360": "Lolland", "370": "Næstved", "376": "Guldborgsund",
        "390": "Vordingborg"},
    "Midt- og Vestsjællands Politi": {
        "253": "Greve", "259": "Køge", "265": "Roskilde", "269": "Solrød", "306": "Odsherred", "316": "Holbæk",
        "326": "Kalundborg", "329": "Ringsted", "330": "Slagelse", "340": "Sorø", "350": "Lejre"},
    "Nordsjællands Politi": {
        "157": "Gentofte", "159": "Gladsaxe", "173": "Lyngby-Taarbæk", "190": "Furesø", "201": "Allerød",
        "210": "Fredensborg", "217": "Helsingør", "219": "Hillerød", "223": "Hørsholm", "230": "Rudersdal",
        "240": "Egedal", "250": "Frederikssund", "260": "Halsnæs", "270": "Gribskov"},
    "Københavns Vestegns Politi": {
        "151": "Ballerup", "153": "Brøndby", "161": "Glostrup", "163": "Herlev", "165": "Albertslund",
        "167": "Hvidovre", "169": "Høje-Taastrup", "175": "Rødovre", "183": "Ishøj", "187": "Vallensbæk"},
    "Københavns Politi": {"101": "København", "147": "Frederiksberg", "155": "Dragør", "185": "Tårnby"},
    "Bornholms Politi": {"400": "Bornholm"},
}
# Large towns send more concerns (roughly by population); every other municipality weighs 1.
TOWN_WEIGHT = {"101": 12, "751": 7, "461": 4, "851": 4, "561": 2.5, "630": 2.2, "621": 2.0, "265": 2.0,
               "730": 1.9, "615": 1.8, "147": 2.0, "657": 1.7, "740": 1.8, "167": 1.0}
DEMO_ORGANISATIONS = {"751": "Aarhus Kommune (demo)", "727": "Odder Kommune (demo)", "730": "Randers Kommune (demo)"}

FIRST_NAMES = ("Anders Ahmed Aisha Alma Ali Anna Asger Astrid Bo Camilla Christian Clara Daniel David Ella Emil "
               "Emma Fatima Frederik Freja Gustav Hassan Ida Jakob Jonas Julie Kasper Laura Lars Liam Lucas Magnus "
               "Maja Marie Mathias Mikkel Mohammed Noah Nora Oliver Omar Oscar Rasmus Sara Signe Sofia Victor").split()
LAST_NAMES = ("Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen "
              "Madsen Kristensen Olsen Thomsen Poulsen Johansen Møller Mortensen Knudsen Hussein Ahmed Yilmaz Ali "
              "Khan Hassan Mohamed Abdi Demir Kaya Nowak Holm Lund Schmidt Skov Toft").split()
WORDS = ("meeting family school friends online videos anger police youth club father mother brother sister work "
         "training plan goals week visit home calm worried better worse violence group gym football teacher forum "
         "chat symbols posters speech threats weapons travel recruiting propaganda isolated withdrawn").split()


def configure(url: str) -> None:
    """Point Django at the benchmark database and set it up (once per process)."""
    os.environ["DATABASE_URL"] = url
    os.environ.update(INFOHUS_ENV="development", DEBUG="false")
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "infohus.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def weighted_index(rng: random.Random, cumulative: list[float]) -> int:
    from bisect import bisect

    return bisect(cumulative, rng.random() * cumulative[-1])


def lognormal_days(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


class Fill:
    """The dataset, table by table. Keeps, per row, only what later tables need (ids and dates)."""

    def __init__(self, people: int) -> None:
        from desk import Writer  # bench/desk.py: COPY on PostgreSQL, executemany on SQLite

        self.rng = random.Random(SEED)
        self.w = Writer()
        self.people = people
        self.today = self.w.now.date()
        self.texts = [" ".join(self.rng.choices(WORDS, k=self.rng.randint(8, 30))).capitalize() + "."
                      for _ in range(300)]

    def ts_days(self, days_ago: float) -> str:
        return self.w.ts(max(0.0, days_ago) * 86400)

    def day(self, days_ago: float) -> date:
        return self.today - timedelta(days=max(0, int(days_ago)))

    def text(self) -> str:
        return self.rng.choice(self.texts)

    # --- organisations and staff -------------------------------------------------------------------

    def organisations(self) -> None:
        from django.db import transaction

        from infohus.accounts.demo import create_demo_accounts
        from infohus.accounts.models import Membership, Organisation, User
        from infohus.accounts.roles import Role
        from infohus.interventions.models import MentorProfile

        K = Organisation.Kind
        self.users = create_demo_accounts()
        demo_house = Organisation.objects.get(name="Østjyllands Politi — Infohus (demo)")
        with transaction.atomic():
            self.houses: list[int] = []
            self.municipalities: list[int] = []  # organisation ids
            self.district_of: list[int] = []  # per municipality index
            self.schools: list[int] = []  # per municipality index
            weights: list[float] = []
            for d, (district, towns) in enumerate(DISTRICTS.items()):
                house = demo_house if district == "Østjyllands Politi" else Organisation.objects.create(
                    name=f"{district} — Infohus (bench)", kind=K.POLICE_DISTRICT)
                self.houses.append(house.pk)
                for code, name in towns.items():
                    if code in DEMO_ORGANISATIONS:
                        town = Organisation.objects.get(name=DEMO_ORGANISATIONS[code])
                    else:
                        town = Organisation.objects.create(name=f"{name} Kommune (bench)", kind=K.MUNICIPALITY,
                                                           municipality_code=code, info_house=house)
                    school = Organisation.objects.get_or_create(
                        name=f"{name} Skole (bench)", defaults={"kind": K.SCHOOL, "municipality_code": code,
                                                                "parent": town, "info_house": house})[0]
                    self.municipalities.append(town.pk)
                    self.district_of.append(d)
                    self.schools.append(school.pk)
                    weights.append(TOWN_WEIGHT.get(code, 1.0))
            self.cumulative_towns = [sum(weights[: i + 1]) for i in range(len(weights))]
            self.prisons = [Organisation.objects.create(name=f"Fængsel {i} (bench)", kind=K.PRISON_PROBATION).pk
                            for i in range(1, 7)]
            self.psychiatry = [Organisation.objects.create(name=f"Psykiatrien {r} (bench)", kind=K.PSYCHIATRY).pk
                               for r in ("Hovedstaden", "Sjælland", "Syddanmark", "Nordjylland")]
            self.ngos = [Organisation.objects.create(name=f"Forening {i} (bench)", kind=K.NGO).pk for i in range(1, 4)]

            # Staff: two case workers, two mentors and a parent coach per municipality; a coordinator
            # and a police liaison per Info house; two resource persons per prison.
            staff: list[tuple[str, str, int, int]] = []  # username, role, organisation id, municipality index
            for m, org in enumerate(self.municipalities):
                staff += [(f"bench-worker-{m}-{i}", Role.CASE_WORKER, org, m) for i in range(2)]
                staff += [(f"bench-mentor-{m}-{i}", Role.MENTOR, org, m) for i in range(2)]
                staff.append((f"bench-coach-{m}", Role.PARENT_COACH, org, m))
            for d, house_pk in enumerate(self.houses):
                staff.append((f"bench-coordinator-{d}", Role.INFOHOUSE_COORDINATOR, house_pk, -1))
                staff.append((f"bench-police-{d}", Role.POLICE_LIAISON, house_pk, -1))
            for p, prison in enumerate(self.prisons):
                staff += [(f"bench-resource-{p}-{i}", Role.RESOURCE_PERSON, prison, -1) for i in range(2)]
            created = User.objects.bulk_create([
                User(username=u, password="!bench", first_name=u.split("-")[1].title(), last_name=u.split("-", 2)[2])
                for u, *_ in staff])
            Membership.objects.bulk_create([Membership(user=user, organisation_id=org, role=role)
                                            for user, (_, role, org, _m) in zip(created, staff, strict=True)])
            self.workers: list[list[int]] = [[] for _ in self.municipalities]
            self.mentors: list[list[int]] = [[] for _ in self.municipalities]
            self.coaches: list[list[int]] = [[] for _ in self.municipalities]
            self.coordinators: list[int] = []
            profiles = []
            for user, (_, role, _org, m) in zip(created, staff, strict=True):
                if role == Role.CASE_WORKER:
                    self.workers[m].append(user.pk)
                elif role in (Role.MENTOR, Role.PARENT_COACH):
                    (self.mentors if role == Role.MENTOR else self.coaches)[m].append(user.pk)
                    profiles.append(MentorProfile(
                        user=user, home_municipality_id=self.municipalities[m],
                        corps_role="mentor" if role == Role.MENTOR else "parent_coach", languages="da",
                        age_groups="young,young_adults", extremism_kinds="right_wing,religious",
                        accredited_on=self.day(400), accreditation_expires_on=self.day(-700)))
                elif role == Role.INFOHOUSE_COORDINATOR:
                    self.coordinators.append(user.pk)
            self.staff_ids = [user.pk for user in created]
            self.profile_of = {p.user_id: p.pk for p in MentorProfile.objects.bulk_create(profiles)}
        self.admin = self.users["tina"].pk  # the centre's trainer writes training; others as they come

    # --- people, concerns, decisions ---------------------------------------------------------------

    def people_and_concerns(self) -> None:
        from array import array

        from infohus.cases.models import Concern, ExtremismKind, LocalAssessment, Person, TriageDecision

        rng, n = self.rng, self.people
        span = YEARS * 365.0
        # Per person: municipality index and the age (days ago) of their first concern; more recent
        # years receive more concerns (about twice as many now as ten years ago).
        self.town_of = array("H", bytes(2 * (n + 1)))
        first_concern = array("f", bytes(4 * (n + 1)))
        genders = ["male"] * 6 + ["female"] * 3 + ["unknown"]

        def person_rows() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, n + 1):
                m = weighted_index(rng, self.cumulative_towns)
                self.town_of[pk] = m
                days_ago = min(span - 1, max(0.0, (1 - math.sqrt(0.25 + 0.75 * rng.random())) * 2 * span))
                first_concern[pk] = days_ago
                age = max(12.0, min(70.0, 13 + rng.lognormvariate(1.6, 0.7)))  # years at the concern
                born = self.day(days_ago + age * 365.25)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                created = self.ts_days(days_ago)
                yield (pk, first, last, born, rng.choice(genders), self.municipalities[m],
                       f"{first} {last}".lower(), 1, created, created)

        self.w.write(Person, ["id", "first_name", "last_name", "birth_date", "gender", "municipality_id",
                              "search_name", "version", "created_at", "updated_at"], person_rows(), n)

        S = Concern.Status
        kinds = [ExtremismKind.RIGHT_WING, ExtremismKind.LEFT_WING, ExtremismKind.RELIGIOUS,
                 ExtremismKind.SINGLE_ISSUE, ExtremismKind.HATE_CRIME, ExtremismKind.MIXED, ExtremismKind.NOT_KNOWN]
        kind_weights = [30, 6, 32, 5, 7, 12, 8]
        concerns = n + n // 20
        self.concerns = concerns
        # Per concern, for the decisions: status (index), age in days, person (0 for none).
        self.concern_status = array("B", bytes(concerns + 1))
        self.concern_age = array("f", bytes(4 * (concerns + 1)))
        self.concern_person = array("I", bytes(4 * (concerns + 1)))
        statuses = [S.DECIDED, S.NO_CONCERN, S.HANDLED_LOCALLY, S.LOCAL_ASSESSMENT, S.AWAITING_TRIAGE, S.IN_TRIAGE]
        self.status_values = [str(s) for s in statuses]

        def concern_rows() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, concerns + 1):
                if pk <= n:
                    person: int | None = pk
                    age = float(first_concern[pk])
                else:  # a second concern about someone, later; or one about nobody identified yet
                    person = rng.randrange(1, n + 1) if rng.random() < 0.6 else None
                    age = rng.uniform(0, float(first_concern[person])) if person else rng.uniform(0, span)
                m = self.town_of[person] if person else weighted_index(rng, self.cumulative_towns)
                if age < 45:  # still on its way for some
                    status = rng.choices(range(6), [40, 5, 5, 10, 25, 15])[0]
                else:
                    status = rng.choices(range(3), [80, 10, 10])[0]
                if status == 0 and person is None:
                    person = rng.randrange(1, n + 1)  # triage found the person
                self.concern_status[pk] = status
                self.concern_age[pk] = age
                self.concern_person[pk] = person or 0
                source = rng.random()
                telephone = source < 0.12  # a relative or a member of the public, by telephone
                if telephone:
                    reporter = None
                elif source < 0.45:
                    reporter = self.schools[m]
                elif source < 0.75:
                    reporter = self.municipalities[m]
                elif source < 0.85:
                    reporter = self.houses[self.district_of[m]]
                elif source < 0.93:
                    reporter = rng.choice(self.psychiatry)
                elif source < 0.98:
                    reporter = rng.choice(self.prisons)
                else:
                    reporter = rng.choice(self.ngos)
                received = self.w.now - timedelta(days=age)
                institution = reporter if status in (1, 2, 3) else None
                yield (pk, f"B-{received.year}-{pk:07d}", self.status_values[status],
                       "telephone" if telephone else "form", reporter, institution,
                       self.houses[self.district_of[m]], self.text(), self.day(age + rng.randrange(0, 14)),
                       "School yard", self.text(), rng.random() < 0.01, rng.random() < 0.06,
                       rng.choices(kinds, kind_weights)[0], person, "" if person else "A young man, about 17.",
                       rng.choice(["mother", "father", "neighbour", "sister"]) if telephone else "",
                       self.ts_days(age), 1)

        self.w.write(Concern, ["id", "reference", "status", "channel", "reporter_organisation_id", "institution_id",
                               "info_house_id", "observed", "observed_on", "observed_where", "worries",
                               "immediate_danger", "urgent", "extremism", "person_id", "person_described",
                               "caller_relation", "received_at", "version"], concern_rows(), concerns)

        # Concerns closed by the institution (no concern, handled locally) have their local assessment.
        closed_locally = [pk for pk in range(1, concerns + 1) if self.concern_status[pk] in (1, 2)]
        self.w.write(LocalAssessment, ["concern_id", "participants", "conclusion", "decision", "assessed_by_id",
                                       "assessed_at"],
                     ((pk, "Teacher, school social worker", self.text(),
                       "no_concern" if self.concern_status[pk] == 1 else "handle_locally",
                       rng.choice(self.staff_ids), self.ts_days(float(self.concern_age[pk]) - rng.uniform(1, 10)))
                      for pk in closed_locally), len(closed_locally))

        # Decisions for every decided concern: a few days to a couple of months after receipt.
        # About 12 % (those with a person) are a statutory offer, which opens a case.
        D = TriageDecision.Kind
        decision_kinds = [D.NO_FURTHER_ACTION, D.ADVICE_TO_REPORTER, D.CONCERN_CONVERSATION, D.STREET_LEVEL,
                          D.REFERRAL, D.POLICE_OR_SECURITY]
        decision_weights = [38, 17, 20, 8, 5, 3]
        self.case_concerns: list[tuple[int, int, float]] = []  # (concern, person, decided days ago)
        # Kept in memory and written after the cases they point at.
        self.decisions: list[tuple[int, str, date, int, int | None]] = []
        for concern in range(1, concerns + 1):
            if self.concern_status[concern] != 0:
                continue
            age = float(self.concern_age[concern])
            decided = age - min(age, lognormal_days(rng, 12, 0.8))
            person = self.concern_person[concern]
            case = None
            if rng.random() < 0.121:
                kind = str(D.STATUTORY_OFFER)
                self.case_concerns.append((concern, person, decided))
                case = len(self.case_concerns)
            else:
                kind = str(rng.choices(decision_kinds, decision_weights)[0])
            self.decisions.append((concern, kind, self.day(decided),
                                   self.coordinators[self.district_of[self.town_of[person]]], case))

    # --- cases, interventions, sessions, lending ---------------------------------------------------

    def cases(self) -> None:
        from infohus.cases.models import Case, TriageDecision

        rng = self.rng
        outcomes = ["goals_met", "partly_met", "declined", "moved", "passed_on", "no_longer_concern", "other"]
        outcome_weights = [35, 22, 12, 8, 8, 12, 3]
        # Per case: municipality index, opened and closed (days ago; -1 while open).
        self.case_town: list[int] = [0]
        self.case_opened: list[float] = [0.0]
        self.case_closed: list[float] = [0.0]
        self.case_lead: list[int] = [0]

        def case_rows() -> Iterator[tuple[Any, ...]]:
            for pk, (_concern, person, decided) in enumerate(self.case_concerns, start=1):
                m = self.town_of[person]
                opened = decided
                length = lognormal_days(rng, 300, 0.6)
                closed = opened - length if opened - length > 0 else -1.0
                lead = rng.choice(self.workers[m])
                self.case_town.append(m)
                self.case_opened.append(opened)
                self.case_closed.append(closed)
                self.case_lead.append(lead)
                is_open = closed < 0
                yield (pk, f"S-{self.day(opened).year}-{pk:07d}", person, self.municipalities[m], lead,
                       "open" if is_open else "closed", 3,
                       self.day(-rng.randrange(-20, 90)) if is_open else None, self.ts_days(opened),
                       None if is_open else self.ts_days(closed),
                       "" if is_open else rng.choices(outcomes, outcome_weights)[0],
                       "" if is_open else "Closed at the review.", 1)

        self.w.write(Case, ["id", "reference", "person_id", "owner_id", "lead_id", "status", "review_every_months",
                            "next_review_on", "opened_at", "closed_at", "outcome", "closure_reason", "version"],
                     case_rows(), len(self.case_concerns))
        self.w.write(TriageDecision, ["id", "concern_id", "kind", "reason", "decided_on", "decided_by_id",
                                      "case_id"],
                     ((pk, concern, kind, "Decided in the Info-house meeting.", decided_on, by, case)
                      for pk, (concern, kind, decided_on, by, case) in enumerate(self.decisions, start=1)),
                     len(self.decisions))

    def interventions(self) -> None:
        from infohus.interventions.models import Intervention, LendingRequest, Session

        rng = self.rng
        # kind: (weight, provider ("mentor", "coach", "worker", "psychiatry", "ngo"), sessions min-max)
        kinds = {
            "mentoring": (35, "mentor", 5, 16), "parent_coaching": (15, "coach", 5, 16),
            "concern_conversation": (15, "worker", 1, 3), "street_work": (8, "worker", 2, 8),
            "exit_talks": (5, "worker", 3, 10), "critical_aftercare": (2, "worker", 5, 15),
            "treatment_referral": (6, "psychiatry", 0, 2), "prison_mentorship": (5, "mentor", 5, 16),
            "advice_consultation": (4, "worker", 1, 1), "project_referral": (5, "ngo", 0, 1),
        }
        kind_names = list(kinds)
        kind_weights = [kinds[k][0] for k in kind_names]
        outcomes = ["goals_met", "partly_met", "declined", "moved", "passed_on", "no_longer_needed", "other"]
        outcome_weights = [35, 25, 12, 6, 8, 10, 4]
        cases = len(self.case_opened) - 1
        # (pk, kind, case, organisation municipality, provider, started, ended (-1 open), lending pk)
        rows: list[tuple[int, str, int | None, int, int, float, float, int]] = []
        lendings: list[tuple[int, int, int, int, int, float, float]] = []  # pk, case, from m, to m, mentor, start, end
        pk = 0
        for case in range(1, cases + 1):
            m = self.case_town[case]
            for _ in range(rng.choices([1, 2], [60, 40])[0]):
                pk += 1
                kind = rng.choices(kind_names, kind_weights)[0]
                started = max(0.0, self.case_opened[case] - rng.uniform(0, 30))
                closed = self.case_closed[case]
                if closed >= 0:
                    ended = max(closed, started - lognormal_days(rng, 200, 0.5))
                elif rng.random() < 0.3:
                    ended = max(0.0, started - lognormal_days(rng, 150, 0.5))
                else:
                    ended = -1.0
                ended = min(ended, started)
                role = kinds[kind][1]
                provider = self.case_lead[case]
                lending = 0
                if role in ("mentor", "coach"):
                    pool = self.mentors if role == "mentor" else self.coaches
                    if rng.random() < 0.04:  # borrowed from a neighbouring municipality of the district
                        neighbours = [i for i, d in enumerate(self.district_of)
                                      if d == self.district_of[m] and i != m] or [(m + 1) % len(self.district_of)]
                        lender = rng.choice(neighbours)
                        provider = rng.choice(pool[lender])
                        lending = len(lendings) + 1
                        lendings.append((lending, case, lender, m, provider, started, ended))
                    else:
                        provider = rng.choice(pool[m])
                rows.append((pk, kind, case, m, provider, started, ended, lending))
        for _ in range(cases // 10):  # anonymous advice consultations: no case, no person
            pk += 1
            m = weighted_index(rng, self.cumulative_towns)
            started = rng.uniform(0, YEARS * 365.0)
            rows.append((pk, "advice_consultation", None, m, rng.choice(self.workers[m]), started, started, 0))

        def intervention_rows() -> Iterator[tuple[Any, ...]]:
            for pk, kind, case, m, provider, started, ended, _lending in rows:
                role = kinds[kind][1]
                is_open = ended < 0
                anonymous = case is None
                yield (pk, kind, case, self.municipalities[m], provider if role not in ("psychiatry", "ngo") else None,
                       rng.choice(self.psychiatry) if role == "psychiatry" else (
                           rng.choice(self.ngos) if role == "ngo" else None),
                       "active" if is_open else "ended", self.day(started), None if is_open else self.day(ended),
                       "" if is_open else ("advice_given" if kind == "advice_consultation"
                                           else rng.choices(outcomes, outcome_weights)[0]),
                       "motivational" if kind == "treatment_referral" else "",
                       rng.choice(["professional", "next_of_kin"]) if kind == "advice_consultation" else "",
                       anonymous, self.case_lead[case] if case else provider, self.ts_days(started), 1)

        self.w.write(Intervention, ["id", "kind", "case_id", "organisation_id", "provider_user_id",
                                    "provider_organisation_id", "status", "started_on", "ended_on", "outcome",
                                    "treatment", "advice_for", "anonymous", "created_by_id", "created_at",
                                    "version"], intervention_rows(), len(rows))

        # Lending requests: the accepted ones above, and about half as many that went nowhere.
        unanswered = len(lendings) // 2

        def lending_rows() -> Iterator[tuple[Any, ...]]:
            intervention_of = {r[7]: r[0] for r in rows if r[7]}
            for pk, case, lender, borrower, mentor, started, ended in lendings:
                sent = started + rng.uniform(3, 20)
                yield (pk, f"L-{self.day(sent).year}-{pk:06d}", self.municipalities[borrower],
                       self.municipalities[lender], case, "mentor", "{}", "Mentor wanted for a young man.", 8,
                       "ended" if ended >= 0 else "accepted", self.profile_of[mentor], intervention_of[pk],
                       self.case_lead[case], self.ts_days(sent), self.ts_days(started + 1),
                       self.ts_days(started), None if ended < 0 else self.ts_days(ended), 1)
            for i in range(unanswered):
                pk = len(lendings) + i + 1
                case = rng.randrange(1, cases + 1)
                m = self.case_town[case]
                lender = (m + 1 + rng.randrange(len(self.municipalities) - 1)) % len(self.municipalities)
                sent = max(0.0, self.case_opened[case] - rng.uniform(3, 20))
                yield (pk, f"L-{self.day(sent).year}-{pk:06d}", self.municipalities[m], self.municipalities[lender],
                       case, "mentor", "{}", "Mentor wanted for a young man.", 8,
                       rng.choice(["sent", "declined", "withdrawn"]), None, None, self.case_lead[case],
                       self.ts_days(sent), None, None, None, 1)

        self.w.write(LendingRequest, ["id", "reference", "requesting_organisation_id", "lending_organisation_id",
                                      "case_id", "corps_role", "needs", "summary", "hours_per_month", "status",
                                      "offered_mentor_id", "intervention_id", "sent_by_id", "sent_at", "answered_at",
                                      "accepted_at", "ended_at", "version"], lending_rows(),
                     len(lendings) + unanswered)

        # Sessions, spread from the start to the end (or today) of each intervention.
        modes = ["meeting", "meeting", "meeting", "phone", "video", "walk"]
        expected = sum((kinds[r[1]][2] + kinds[r[1]][3]) / 2 for r in rows)

        def session_rows() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for ipk, kind, case, _m, provider, started, ended, lending in rows:
                _weight, role, low, high = kinds[kind]
                count = rng.randint(low, high)
                if not count:
                    continue
                end = max(ended, 0.0)
                step = (started - end) / count
                logged_by = provider if role not in ("psychiatry", "ngo") else self.case_lead[case or 0]
                for s in range(count):
                    pk += 1
                    held = started - s * step - rng.uniform(0, step / 2 if step else 0)
                    last = s == count - 1
                    yield (ipk, self.day(held), rng.choice([45, 60, 60, 90, 120]), rng.choice(modes),
                           role != "psychiatry", "health" if role == "psychiatry" else "general",
                           self.day(held - 7) if last and ended < 0 else None, lending or None, logged_by,
                           self.ts_days(held))

        self.w.write(Session, ["intervention_id", "held_on", "duration_minutes", "mode", "with_person",
                               "compartment", "next_appointment", "lending_id", "logged_by_id", "logged_at"],
                     session_rows(), int(expected))

    # --- training and community --------------------------------------------------------------------

    def training(self) -> None:
        from infohus.training.models import Attendance, Course, CourseRun, Enrolment, Requirement, RunUnit

        rng = self.rng
        centre = self.users["tina"].memberships.get().organisation_id
        catalogue = [("psp", "PSP course", 2, "day"), ("resource_person", "Resource-person course", 2, "day"),
                     ("resource_person_follow_up", "Resource-person follow-up", 1, "session"),
                     ("awareness", "Awareness session", 1, "session"),
                     ("mentor_method", "Mentor and parent-coach method training", 3, "block"),
                     ("specialised", "Online extremism, specialised", 1, "day")]
        courses = Course.objects.bulk_create([
            Course(organisation_id=centre, kind=kind, title=title, units=units, unit_kind=unit_kind,
                   created_by_id=self.admin) for kind, title, units, unit_kind in catalogue])
        Requirement.objects.bulk_create([
            Requirement(organisation_id=centre, name="Resource person in every prison", role="resource_person",
                        organisation_kind="prison_probation", satisfied_by=["resource_person_follow_up"],
                        interval_months=6, created_by_id=self.admin),
            Requirement(organisation_id=centre, name="PSP course for case workers", role="case_worker",
                        organisation_kind="municipality", satisfied_by=["psp"], interval_months=24,
                        created_by_id=self.admin),
        ])
        runs_total = 250 * YEARS
        runs: list[tuple[int, int, float, int]] = []  # run pk, course index, starts days ago, units
        units: list[tuple[int, int, int, float]] = []  # unit pk, run, number, days ago
        for pk in range(1, runs_total + 1):
            c = rng.choices(range(len(courses)), [20, 15, 20, 30, 5, 10])[0]
            starts = rng.uniform(-60, YEARS * 365.0)
            runs.append((pk, c, starts, courses[c].units))
            for number in range(1, courses[c].units + 1):
                units.append((len(units) + 1, pk, number, starts - (number - 1) * 14))

        def run_rows() -> Iterator[tuple[Any, ...]]:
            for pk, c, starts, count in runs:
                yield (pk, courses[c].pk, self.day(starts), self.day(starts - (count - 1) * 14), 20,
                       "planned" if starts < 0 else rng.choices(["held", "cancelled"], [95, 5])[0], "Copenhagen",
                       self.admin, self.ts_days(starts + 60), 1)

        self.w.write(CourseRun, ["id", "course_id", "starts_on", "ends_on", "capacity", "status", "place",
                                 "created_by_id", "created_at", "version"], run_rows(), len(runs))
        self.w.write(RunUnit, ["id", "run_id", "number", "held_on"],
                     ((pk, run, number, self.day(ago)) for pk, run, number, ago in units), len(units))
        units_of: dict[int, list[int]] = {}
        for pk, run, _number, _ago in units:
            units_of.setdefault(run, []).append(pk)
        kinds = ["municipality", "school", "prison_probation", "psychiatry", "police_district", "ngo"]
        attendance: list[tuple[int, int, bool]] = []

        def enrolment_rows() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for run, _c, starts, count in runs:
                ends = starts - 14 * (count - 1)
                users = rng.sample(self.staff_ids, 4)
                for i in range(rng.randint(8, 20)):
                    pk += 1
                    done = ends > 0 and rng.random() < 0.88  # completed: present at every day or block
                    attendance.extend((pk, unit, done or rng.random() < 0.5) for unit in units_of[run] if ends > 0)
                    yield (pk, run, users[i] if i < len(users) else None, f"Deltager {pk}",
                           rng.choice(self.municipalities), "Kommune", rng.choice(kinds),
                           "enrolled" if rng.random() < 0.95 else "withdrawn", self.admin, self.ts_days(starts + 30),
                           self.day(ends) if done else None, f"C-{pk:07d}" if done else "")

        self.w.write(Enrolment, ["id", "run_id", "user_id", "name", "organisation_id", "organisation_name",
                                 "organisation_kind", "status", "enrolled_by_id", "enrolled_at", "completed_on",
                                 "certificate_number"], enrolment_rows(), len(runs) * 14)
        now = self.w.ts(0)
        self.w.write(Attendance, ["enrolment_id", "unit_id", "present", "recorded_by_id", "recorded_at"],
                     ((e, u, p, self.admin, now) for e, u, p in attendance), len(attendance))

    def community(self) -> None:
        from infohus.community.models import DialogueMeeting, OutreachEvent

        rng = self.rng
        kamal = self.users["kamal"].pk
        towns = len(self.municipalities)
        meetings = towns * 3 * YEARS

        def meeting_rows() -> Iterator[tuple[Any, ...]]:
            for _ in range(meetings):
                ago = rng.uniform(-60, YEARS * 365.0)
                yield (self.municipalities[weighted_index(rng, self.cumulative_towns)], self.day(ago), "Town hall",
                       "Imams and parents' association", "planned" if ago < 0 else "held", kamal,
                       self.ts_days(ago + 30), 1)

        self.w.write(DialogueMeeting, ["organisation_id", "held_on", "place", "community_participants", "status",
                                       "created_by_id", "created_at", "version"], meeting_rows(), meetings)
        events = towns * 8 * YEARS
        audiences = ["professionals", "school", "parents", "public"]

        def event_rows() -> Iterator[tuple[Any, ...]]:
            for _ in range(events):
                ago = rng.uniform(0, YEARS * 365.0)
                counts = {str(a): rng.randint(0, 10) for a in range(1, 6)}
                yield (self.municipalities[weighted_index(rng, self.cumulative_towns)], self.day(ago),
                       rng.choice(["presentation", "workshop"]), rng.choice(audiences), "Talk about online hate",
                       rng.randint(8, 200), json.dumps(counts), kamal, self.ts_days(ago), 1)

        self.w.write(OutreachEvent, ["organisation_id", "held_on", "kind", "audience", "title", "attendees",
                                     "evaluation_counts", "created_by_id", "created_at", "version"],
                     event_rows(), events)


def fill(people: int) -> float:
    """Writes the whole dataset; returns the seconds it took."""
    started = time.perf_counter()
    f = Fill(people)
    f.organisations()
    f.people_and_concerns()
    f.cases()
    f.interventions()
    f.training()
    f.community()
    step = time.perf_counter()
    f.w.finish()
    print(f"  sequences and VACUUM ANALYZE: {time.perf_counter() - step:.0f} s")
    return time.perf_counter() - started


def counts() -> dict[str, int]:
    from infohus.cases.models import Case, Concern, Person, TriageDecision
    from infohus.interventions.models import Intervention, LendingRequest, Session
    from infohus.training.models import Enrolment

    return {model._meta.verbose_name_plural: model.objects.count()
            for model in (Person, Concern, TriageDecision, Case, Intervention, Session, LendingRequest, Enrolment)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a PostgreSQL URL (default %(default)s)")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true", help="drop and create the database first")
    args = parser.parse_args()
    if args.reset:
        from harness import recreate_postgres

        recreate_postgres(args.database)
    configure(args.database)
    from django.core.management import call_command

    from infohus.cases.models import Person

    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        print(f"{args.database} is already filled (use --reset to fill it again):")
    else:
        print(f"Filling {args.database} with {args.people:,} people ({os.cpu_count()} cores)")
        seconds = fill(args.people)
        print(f"  filled in {seconds:.0f} s")
    for name, number in counts().items():
        print(f"  {number:>10,} {name}")


if __name__ == "__main__":
    main()
