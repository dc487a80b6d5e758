"""Benchmark: the practice desk (triage queue, case list, person search, case page) on a full database.

Fills a throw-away database with N synthetic people, 0.3 N concerns spread over 12 Info houses
and 0.1 N cases (each with a team of 2-3, a timeline of about five notes in mixed compartments
and a task or two), then times the pages in-process with Django's test client, one request at a
time, signed in through the real pages (password, then the current TOTP code):

- the triage queue, as ida (Info-house coordinator; her Info house holds 1/12 of the concerns);
- the case list, as carl (case worker; on the team of about 300 cases);
- person search, as ida, for a few names;
- a case page, as carl, for cases he is on (a different case for each request).

It prints median and 95th-percentile server time and the number of SQL queries per page. A page
whose URL does not exist yet is replaced by the selector behind it (marked "selector").

    .venv/bin/python bench/desk.py sqlite                   # 100,000 people in /tmp
    .venv/bin/python bench/desk.py postgres                 # 1,000,000 people in infohus_deskbench
    .venv/bin/python bench/desk.py postgres --people 300000 --requests 50 --explain
    .venv/bin/python bench/desk.py postgres --reuse         # measure again without refilling

The PostgreSQL database (--postgres) is dropped and created again unless --reuse is given; the
SQLite file (--sqlite) is deleted and created again likewise. Not part of the test suite. See
bench/README.md, section "Practice desk".
"""

import argparse
import base64
import hashlib
import hmac
import os
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/infohus_deskbench"
DEFAULT_SQLITE = "/tmp/infohus-deskbench.sqlite3"
DISTRICTS = 12
CARL_CASES = 300
SEED = 20261201

FIRST_NAMES = (
    "Anders Ahmed Aisha Alma Amalie Ali Anna Asger Astrid Bo Carl Camilla Caroline Christian Clara "
    "Daniel David Ella Emil Emma Esben Fatima Frederik Freja Frida Gustav Hassan Hannah Ida Isabella "
    "Jakob Jens Johan Jonas Josefine Julie Kasper Karla Laura Lars Lea Liam Lucas Magnus Maja Malthe "
    "Marie Mathias Mette Mikkel Mohammed Morten Nanna Niels Nikolaj Noah Nora Oliver Omar Oscar Peter "
    "Rasmus Sara Sebastian Signe Simon Sofia Sofie Søren Thomas Tobias Victor Viktor William Yasmin Zainab"
).split()
LAST_NAMES = (
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen "
    "Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen "
    "Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Eriksen Holm Kristiansen Clausen Simonsen "
    "Svendsen Andreasen Iversen Østergaard Jeppesen Vestergaard Nissen Lauridsen Kjær Jespersen Mogensen "
    "Skov Jepsen Søndergaard Bertelsen Nørgaard Kjeldsen Hussein Ahmed Yilmaz Ali Khan Hassan Mohamed "
    "Abdi Demir Kaya Nowak Kowalski Brink Holmsted Aldal Vognsen Rimmen Hedegaard Toft Krag Vibe Lærke"
).split()
# A few surnames are very common, as in Denmark (Jensen, Nielsen, Hansen ~ 5 % each).
LAST_WEIGHTS = [12, 11, 10, 8, 8, 6, 6, 5, 4, 4, 4] + [1] * (len(LAST_NAMES) - 11)
WORDS = (
    "meeting family school mentor talked about friends online videos anger police youth club father mother "
    "brother sister work job training plan goals agreed next week follow up visit home calm worried better "
    "worse violence group gym football teacher psychologist appointment medication sleep games chat forum"
).split()


# --- small helpers -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case, accent-folded, as Person.search_name is kept (the triage selectors' own function)."""
    try:
        from infohus.cases.selectors.triage import fold as project_fold
    except ImportError:
        text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
        return " ".join("".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).split())
    return project_fold(text)


def progress(label: str, done: int, total: int, started: float) -> None:
    print(f"\r  {label:<16} {done:>10,} / {total:,}  ({time.perf_counter() - started:5.1f} s)", end="", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


class Writer:
    """Fast inserts of plain rows: COPY on PostgreSQL, executemany on SQLite, both in batches."""

    BATCH = 10_000

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.tables: list[Any] = []

    def ts(self, seconds_ago: float) -> str:
        """A timestamp as the database stores it (naive UTC text on SQLite, as Django writes it)."""
        moment = (self.now - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%d %H:%M:%S")
        return moment + "+00" if self.postgres else moment

    def write(self, model: Any, fields: list[str], rows: Iterable[tuple[Any, ...]], total: int) -> None:
        """rows are tuples in the order of fields (attnames); every other column gets its model default."""
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        rest = [f for f in meta.concrete_fields if f.attname not in fields and not f.primary_key]
        for field in rest:
            if not field.null and not field.has_default() and not (field.blank and field.empty_strings_allowed):
                raise ValueError(f"{meta.label}.{field.attname} needs a value")
        defaults = tuple(None if f.null and not f.has_default() else f.get_default() for f in rest)
        columns = [by_attname[name].column for name in fields] + [f.column for f in rest]
        column_list = ", ".join(f'"{c}"' for c in columns)
        started = time.perf_counter()
        done = 0
        self.tables.append(model)
        with self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                with raw.copy(f'COPY "{meta.db_table}" ({column_list}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                        done += 1
                        if done % self.BATCH == 0:
                            progress(meta.model_name, done, total, started)
            else:
                sql = f'INSERT INTO "{meta.db_table}" ({column_list}) VALUES ({", ".join("?" * len(columns))})'
                raw = cursor.cursor
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row + defaults)
                    if len(batch) == self.BATCH:
                        raw.executemany(sql, batch)
                        done += len(batch)
                        batch = []
                        progress(meta.model_name, done, total, started)
                raw.executemany(sql, batch)
                done += len(batch)
        progress(meta.model_name, done, total, started)
        print()

    def finish(self) -> None:
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            if self.postgres:
                for sql in self.connection.ops.sequence_reset_sql(no_style(), self.tables):
                    cursor.execute(sql)
        if self.postgres:
            # As autovacuum would: statistics, and the visibility map that index-only scans need.
            with self.connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with self.connection.cursor() as cursor:
                cursor.execute("ANALYZE")


# --- filling -------------------------------------------------------------------------------------


def fill(people: int) -> dict[str, Any]:
    """Synthetic people, concerns, decisions, cases, teams, notes and tasks. Returns what measuring needs."""
    from django.conf import settings
    from django.db import transaction

    from infohus.accounts.demo import create_demo_accounts
    from infohus.accounts.models import Membership, Organisation, User
    from infohus.accounts.roles import Role
    from infohus.cases.models import Case, Concern, ExtremismKind, Note, Person, Task, TeamMember, TriageDecision

    rng = random.Random(SEED)
    w = Writer()
    K = Organisation.Kind
    users = create_demo_accounts()
    ida, carl = users["ida"], users["carl"]

    # Organisations: the demo Info house and 11 more police districts, each with municipalities.
    demo_house = Organisation.objects.get(name__contains="Infohus (demo)")
    demo_municipalities = list(Organisation.objects.filter(kind=K.MUNICIPALITY, name__endswith="(demo)"))
    houses = [demo_house]
    municipalities: list[list[Organisation]] = [demo_municipalities]
    with transaction.atomic():
        for d in range(1, DISTRICTS):
            house = Organisation.objects.create(name=f"Politikreds {d} — Infohus (bench)", kind=K.POLICE_DISTRICT)
            houses.append(house)
            municipalities.append(Organisation.objects.bulk_create([
                Organisation(name=f"Kommune {d}-{m} (bench)", kind=K.MUNICIPALITY, info_house=house,
                             municipality_code=f"{d * 10 + m:03d}") for m in range(8)
            ]))
        psychiatry = Organisation.objects.create(name="Psykiatrien (bench)", kind=K.PSYCHIATRY)

        # Staff: case workers in every municipality, mentors, a coordinator and liaisons per district.
        staff: list[tuple[str, str, Organisation, int]] = []  # (username, role, organisation, district)
        for d in range(DISTRICTS):
            staff.append((f"bench-coordinator-{d}", Role.INFOHOUSE_COORDINATOR, houses[d], d))
            staff.append((f"bench-police-{d}", Role.POLICE_LIAISON, houses[d], d))
            staff.append((f"bench-psychiatry-{d}", Role.PSYCHIATRY_LIAISON, psychiatry, d))
            for i in range(max(2, people // 1000 // DISTRICTS)):
                staff.append((f"bench-worker-{d}-{i}", Role.CASE_WORKER, rng.choice(municipalities[d]), d))
            for i in range(max(2, people // 2000 // DISTRICTS)):
                staff.append((f"bench-mentor-{d}-{i}", Role.MENTOR, rng.choice(municipalities[d]), d))
        created = User.objects.bulk_create([User(username=u, password="!bench", first_name=u.split("-")[1].title(),
                                                 last_name=u.split("-", 2)[2]) for u, *_ in staff])
        Membership.objects.bulk_create([Membership(user=user, organisation=org, role=role)
                                        for user, (_, role, org, _d) in zip(created, staff, strict=True)])
    # Per district: lists of (user_id, organisation_id, role).
    by_role: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
    for user, (_, role, org, d) in zip(created, staff, strict=True):
        by_role.setdefault((d, role), []).append((user.pk, org.pk, role))
    coordinator = {d: by_role[(d, Role.INFOHOUSE_COORDINATOR)][0][0] for d in range(DISTRICTS)}
    coordinator[0] = ida.pk
    carl_member = (carl.pk, carl.memberships.get(organisation__name__startswith="Aarhus").organisation_id,
                   Role.CASE_WORKER.value)

    total_started = time.perf_counter()

    # People.
    fernet_key = base64.urlsafe_b64encode(hashlib.sha256(settings.FIELD_ENCRYPTION_KEY.encode()).digest())
    from cryptography.fernet import Fernet

    fernet = Fernet(fernet_key)
    lookup_key = hashlib.sha256(("lookup:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()
    district_of_person = [0] * (people + 1)
    all_municipalities = [[m.pk for m in ms] for ms in municipalities]
    genders = ["female", "male", "male", "female", "unknown", "other"]

    def person_rows() -> Iterator[tuple[Any, ...]]:
        for pk in range(1, people + 1):
            first = rng.choice(FIRST_NAMES)
            last = rng.choices(LAST_NAMES, LAST_WEIGHTS)[0]
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 50))
            cpr = f"{born:%d%m%y}{rng.randrange(10000):04d}"
            d = rng.randrange(DISTRICTS)
            district_of_person[pk] = d
            created_at = w.ts(rng.uniform(0, 5 * 365 * 86400))
            yield (pk, first, last, born, "DK", fernet.encrypt(cpr.encode()).decode(),
                   hmac.new(lookup_key, f"DK:{cpr}".encode(), hashlib.sha256).hexdigest(), rng.choice(genders),
                   rng.choice(all_municipalities[d]), "dansk", f"+45 {rng.randrange(10**8):08d}", "",
                   f"Vej {rng.randrange(1, 200)}\n{8000 + rng.randrange(900)} By", fold(f"{first} {last}"),
                   1, created_at, created_at)

    w.write(Person, ["id", "first_name", "last_name", "birth_date", "identifier_country", "identifier_encrypted",
                     "identifier_hash", "gender", "municipality_id", "languages", "phone", "email", "address",
                     "search_name", "version", "created_at", "updated_at"], person_rows(), people)

    # Concerns: 1 in 12 to each Info house (district = pk % 12; district 0 is ida's).
    S = Concern.Status
    statuses = [S.DECIDED, S.HANDLED_LOCALLY, S.NO_CONCERN, S.LOCAL_ASSESSMENT, S.AWAITING_TRIAGE, S.IN_TRIAGE]
    status_weights = [70, 7, 5, 4, 9, 5]
    kinds = ExtremismKind.values
    concerns = people * 3 // 10
    # concern pk -> (district, status, person, age in seconds)
    concern_info: list[tuple[int, str, int | None, float]] = [(0, "", None, 0.0)]
    per_district_people: list[list[int]] = [[] for _ in range(DISTRICTS)]
    for pk in range(1, people + 1):
        per_district_people[district_of_person[pk]].append(pk)

    def concern_rows() -> Iterator[tuple[Any, ...]]:
        for pk in range(1, concerns + 1):
            d = pk % DISTRICTS
            status = rng.choices(statuses, status_weights)[0]
            open_ = status in (S.AWAITING_TRIAGE, S.IN_TRIAGE, S.LOCAL_ASSESSMENT)
            age = rng.uniform(0, 60 * 86400) if open_ else rng.uniform(60 * 86400, 4 * 365 * 86400)
            person = rng.choice(per_district_people[d]) if rng.random() < 0.85 else None
            concern_info.append((d, status, person, age))
            received = w.now - timedelta(seconds=age)
            yield (pk, f"B-{received.year}-{pk:06d}", status, rng.choice(["form", "form", "form", "telephone"]),
                   rng.choice(all_municipalities[d]), houses[d].pk,
                   " ".join(rng.choices(WORDS, k=rng.randint(15, 40))).capitalize() + ".",
                   (received - timedelta(days=rng.randrange(1, 20))).date(), "School yard",
                   " ".join(rng.choices(WORDS, k=rng.randint(10, 30))).capitalize() + ".",
                   rng.random() < 0.02, rng.random() < 0.08, rng.choice(kinds), person,
                   "" if person else "A young man, about 17, called M.", w.ts(age), 1)

    w.write(Concern, ["id", "reference", "status", "channel", "reporter_organisation_id", "info_house_id",
                      "observed", "observed_on", "observed_where", "worries", "immediate_danger", "urgent",
                      "extremism", "person_id", "person_described", "received_at", "version"],
            concern_rows(), concerns)

    # Cases: opened from decided concerns with a person; carl leads ~300 of ida's district.
    cases = people // 10
    decided = [pk for pk in range(1, concerns + 1) if concern_info[pk][1] == S.DECIDED and concern_info[pk][2]]
    rng.shuffle(decided)
    chosen = decided[:cases]
    cases = len(chosen)
    in_demo = [i for i, pk in enumerate(chosen) if concern_info[pk][0] == 0]
    carl_cases = set(in_demo[:CARL_CASES])
    case_of_concern = {pk: i + 1 for i, pk in enumerate(chosen)}
    teams: list[list[tuple[int, int, str, str]]] = [[]]  # case pk -> [(user, org, role, compartments)]
    case_age: list[float] = [0.0]
    case_open: list[bool] = [False]

    def case_rows() -> Iterator[tuple[Any, ...]]:
        for i, concern_pk in enumerate(chosen):
            pk = i + 1
            d, _status, person, concern_age = concern_info[concern_pk]
            lead = carl_member if i in carl_cases else rng.choice(by_role[(d, Role.CASE_WORKER)])
            team = [(*lead, "general"), (*rng.choice(by_role[(d, Role.MENTOR)]), "general")]
            extra = rng.random()
            if extra < 0.3:
                team.append((*by_role[(d, Role.POLICE_LIAISON)][0], "general,police"))
            elif extra < 0.45:
                team.append((*by_role[(d, Role.PSYCHIATRY_LIAISON)][0], "general,health"))
            teams.append(team)
            age = max(0.0, concern_age - rng.uniform(7, 30) * 86400)
            is_open = rng.random() < (0.85 if i in carl_cases else 0.6) or age < 180 * 86400
            case_age.append(age)
            case_open.append(is_open)
            opened = w.now - timedelta(seconds=age)
            yield (pk, f"S-{opened.year}-{pk:06d}", person, lead[1], lead[0], "open" if is_open else "closed", 3,
                   (w.now + timedelta(days=rng.randrange(-20, 90))).date() if is_open else None, w.ts(age),
                   None if is_open else w.ts(age / 3), "" if is_open else rng.choice(["goals_met", "declined"]),
                   "" if is_open else "Goals met.", 1)

    w.write(Case, ["id", "reference", "person_id", "owner_id", "lead_id", "status", "review_every_months",
                   "next_review_on", "opened_at", "closed_at", "outcome", "closure_reason", "version"],
            case_rows(), cases)

    # Decisions for every decided concern; those that opened a case point at it.
    other_kinds = ["no_further_action", "advice_to_reporter", "concern_conversation", "street_level", "referral"]

    def decision_rows() -> Iterator[tuple[Any, ...]]:
        pk = 0
        for concern_pk in range(1, concerns + 1):
            d, status, _person, age = concern_info[concern_pk]
            if status != S.DECIDED:
                continue
            pk += 1
            case = case_of_concern.get(concern_pk)
            yield (pk, concern_pk, "statutory_offer" if case else rng.choice(other_kinds), "Decided in the meeting.",
                   (w.now - timedelta(seconds=age * 0.9)).date(), coordinator[d], case)

    w.write(TriageDecision, ["id", "concern_id", "kind", "reason", "decided_on", "decided_by_id", "case_id"],
            decision_rows(), sum(1 for c in concern_info[1:] if c[1] == S.DECIDED))

    members = sum(len(t) for t in teams)

    def member_rows() -> Iterator[tuple[Any, ...]]:
        pk = 0
        for case in range(1, cases + 1):
            for user, org, role, compartments in teams[case]:
                pk += 1
                yield (pk, case, user, org, role, compartments, True, teams[case][0][0], w.ts(case_age[case]))

    w.write(TeamMember, ["id", "case_id", "user_id", "organisation_id", "role", "compartments", "is_active",
                         "added_by_id", "added_at"], member_rows(), members)

    # Timelines: about five notes per case in mixed compartments, by team members who see them.
    compartments = ["general", "police", "health", "intelligence"]
    compartment_weights = [60, 20, 15, 5]
    paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(30, 90))).capitalize() + "." for _ in range(500)]

    def note_rows() -> Iterator[tuple[Any, ...]]:
        pk = 0
        for case in range(1, cases + 1):
            team = teams[case]
            for _ in range(rng.randint(3, 7)):
                pk += 1
                compartment = rng.choices(compartments, compartment_weights)[0]
                authors = [m for m in team if compartment in m[3].split(",")] or team
                yield (pk, case, compartment, rng.choice(paragraphs), rng.choice(authors)[0],
                       w.ts(rng.uniform(0, case_age[case])))

    w.write(Note, ["id", "case_id", "compartment", "text", "author_id", "written_at"], note_rows(), cases * 5)

    def task_rows() -> Iterator[tuple[Any, ...]]:
        pk = 0
        for case in range(1, cases + 1):
            team = teams[case]
            for _ in range(rng.choice([1, 1, 2])):
                pk += 1
                due_in = rng.randrange(-60, 60)
                done = (not case_open[case]) or (due_in < 0 and rng.random() < 0.7)
                yield (pk, case, rng.choice(["Call the family", "Meet at school", "Review plan", "Book mentor"]),
                       (w.now + timedelta(days=due_in)).date(), rng.choice(team)[0],
                       w.ts(max(0, -due_in) * 86400) if done else None, team[0][0])

    w.write(Task, ["id", "case_id", "title", "due_on", "assignee_id", "done_at", "created_by_id"],
            task_rows(), int(cases * 1.33))

    started = time.perf_counter()
    w.finish()
    print(f"  sequences and (VACUUM) ANALYZE: {time.perf_counter() - started:.1f} s")
    return {"fill_seconds": time.perf_counter() - total_started, "people": people, "concerns": concerns,
            "cases": cases}


# --- measuring -----------------------------------------------------------------------------------


def signed_in(username: str) -> Any:
    """A test client signed in through the real pages: password, then the current TOTP code."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from infohus.accounts.models import User
    from infohus.accounts.people import DEMO_PASSWORD

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="localhost")
    response = client.post(reverse("accounts:sign_in"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code may be used once
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 302, response.content[:500]
    return client


def url_names() -> set[str]:
    from django.urls import get_resolver

    resolver = get_resolver()
    names: set[str] = set()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
    return names


class Timer:
    def __init__(self, requests: int) -> None:
        self.requests = requests
        self.rows: list[dict[str, Any]] = []
        self.captured: dict[str, list[dict[str, str]]] = {}

    def run(self, label: str, how: str, call: Callable[[int], None]) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for warm in range(2):
            call(warm)
        with CaptureQueriesContext(connection) as queries:
            call(2)
        self.captured[label] = list(queries.captured_queries)  # before the next request resets the log
        timings = []
        for i in range(self.requests):
            started = time.perf_counter()
            call(i + 3)
            timings.append((time.perf_counter() - started) * 1000)
        self.rows.append({"label": label, "how": how, "queries": len(self.captured[label]),
                          "median": statistics.median(timings), "p95": percentile(timings, 0.95),
                          "max": max(timings)})
        row = self.rows[-1]
        print(f"  {label:<40} {how:<9} {row['queries']:>7} {row['median']:>10.1f} {row['p95']:>8.1f}"
              f" {row['max']:>8.1f}", flush=True)


def get_ok(client: Any, url: str, params: dict[str, str] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code, response.content[:300])
    return response


def measure(requests: int, explain: bool) -> None:
    from django.db import connection
    from django.urls import reverse

    from infohus.accounts.models import User
    from infohus.cases import identifiers
    from infohus.cases.models import Case, Concern, Note, Task, TeamMember
    from infohus.cases.selectors import need_to_know

    ida = User.objects.get(username="ida")
    carl = User.objects.get(username="carl")
    carl_cases = list(TeamMember.objects.filter(user=carl, is_active=True).order_by("case_id")
                      .values_list("case_id", flat=True))
    rng = random.Random(SEED)
    rng.shuffle(carl_cases)
    queue = need_to_know.concerns_for_triage(ida).filter(status__in=["awaiting_triage", "in_triage"])
    print(f"\n  carl is on {len(carl_cases)} cases ({need_to_know.cases_visible_to(carl).filter(status='open').count()}"
          f" open); ida's Info house: {need_to_know.concerns_for_triage(ida).count():,} concerns, "
          f"{queue.count():,} open.")
    names = url_names()
    timer = Timer(requests)
    print(f"  {'page':<40} {'how':<9} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    ida_client = signed_in("ida")
    carl_client = signed_in("carl")

    # Triage queue, as ida.
    if "cases:triage_queue" in names:
        url = reverse("cases:triage_queue")
        timer.run("triage queue (ida)", "page", lambda i: get_ok(ida_client, url))
        timer.run("triage queue, page 5 (ida)", "page", lambda i: get_ok(ida_client, url, {"page": "5"}))
    else:
        timer.run("triage queue (ida)", "selector", lambda i: list(
            queue.select_related("person").order_by("-urgent", "received_at", "pk")[:50]))

    # Case list, as carl.
    if "cases:case_list" in names:
        url = reverse("cases:case_list")
        timer.run("case list, open (carl)", "page", lambda i: get_ok(carl_client, url))
        timer.run("case list, overdue reviews (carl)", "page", lambda i: get_ok(carl_client, url, {"overdue": "1"}))
    else:
        timer.run("case list, open (carl)", "selector", lambda i: list(
            need_to_know.cases_visible_to(carl).filter(status="open").select_related("person")
            .order_by("-opened_at", "-pk")[:50]))

    # Person search, as ida, from a concern in her queue (the search lives on the concern's page).
    sample = (Concern.objects.filter(info_house__in=queue.values("info_house"))
              .exclude(person=None).select_related("person").order_by("pk").first())
    assert sample is not None and sample.person is not None
    searches = [
        ("common surname", {"name": "jensen"}),
        ("first name", {"name": "yasmin"}),
        ("full name", {"name": "sofie østergaard"}),
        ("no match", {"name": "xylofon"}),
        ("birth date", {"birth_date": sample.person.birth_date.isoformat()}),
        ("CPR number", {"identifier": identifiers.decrypt(sample.person.identifier_encrypted),
                        "identifier_country": "DK"}),
    ]
    if "cases:triage_person_search" in names:
        url = reverse("cases:triage_person_search", args=[queue.order_by("pk").first().pk])
        for label, params in searches:
            timer.run(f"person search: {label} (ida)", "page", lambda i, p=params: get_ok(ida_client, url, p))
    else:
        for label, params in searches[:4]:
            timer.run(f"person search: {label} (ida)", "selector", lambda i, q=params["name"]: list(
                need_to_know.people_visible_to(ida).filter(search_name__contains=fold(q))[:50]))

    # Case page, as carl, a different case of his each time.
    if "cases:case_detail" in names:
        timer.run("case page (carl, his cases)", "page", lambda i: get_ok(
            carl_client, reverse("cases:case_detail", args=[carl_cases[i % len(carl_cases)]])))
    else:
        def case_selector(i: int) -> None:
            access = need_to_know.case_access(carl, carl_cases[i % len(carl_cases)], purpose="bench")
            list(Note.objects.filter(case=access.case, compartment__in=access.compartments)
                 .select_related("author").order_by("-written_at")[:50])
            list(Task.objects.filter(case=access.case, done_at=None).select_related("assignee"))
            list(TeamMember.objects.filter(case=access.case, is_active=True).select_related("user", "organisation"))
        timer.run("case page (carl, his cases)", "selector", case_selector)

    print(f"\n  {Case.objects.count():,} cases, {Note.objects.count():,} notes in the database.")
    if explain and connection.vendor == "postgresql":
        explain_queries(timer)


def explain_queries(timer: Timer) -> None:
    """EXPLAIN ANALYZE every captured SELECT that took 2 ms or more; the plans go to a file."""
    from django.db import connection

    path = Path(tempfile_dir()) / "infohus-deskbench-explain.txt"
    with path.open("w") as out, connection.cursor() as cursor:
        for label, queries in timer.captured.items():
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or float(query["time"]) < 0.002:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                out.write(f"=== {label}: {float(query['time']) * 1000:.1f} ms\n{sql}\n\n{plan}\n\n")
                print(f"  EXPLAIN {label}: {float(query['time']) * 1000:.1f} ms  {sql[:110]}")
    print(f"  plans: {path}")


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


# --- driving -------------------------------------------------------------------------------------


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--people", type=int, help="default 100,000 on SQLite, 1,000,000 on PostgreSQL")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (after 2 warm-up)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE)
    parser.add_argument("--reuse", action="store_true", help="keep the filled database; migrate and measure only")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE the slow queries")
    args = parser.parse_args()
    people = args.people or (100_000 if args.database == "sqlite" else 1_000_000)

    if args.database == "postgres":
        if not args.reuse:
            recreate_postgres(args.postgres)
        os.environ["DATABASE_URL"] = args.postgres
    else:
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(args.sqlite + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.sqlite}"
    os.environ.update(INFOHUS_ENV="development", DEBUG="false")
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "infohus.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from infohus.cases.models import Person

    call_command("migrate", verbosity=0)
    print(f"{connection.vendor} ({args.postgres if args.database == 'postgres' else args.sqlite}), "
          f"{os.cpu_count()} cores")
    if args.reuse and Person.objects.exists():
        print(f"  reusing {Person.objects.count():,} people")
    else:
        result = fill(people)
        print(f"  filled {result['people']:,} people, {result['concerns']:,} concerns, {result['cases']:,} cases "
              f"in {result['fill_seconds']:.0f} s")
    measure(args.requests, args.explain)


if __name__ == "__main__":
    main()
