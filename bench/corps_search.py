"""Benchmark: searching the register of the mentor corps with 5,000 members.

Builds, in a throw-away database, the demo people, one municipality organisation for every code
in infohus/interventions/municipalities.py plus two whose location is not known, and 5,000
members of the corps spread over them (random languages, age groups, kinds of extremism, gender,
prison work, capacity 1–5, accreditation valid, expired or missing, 5 % inactive), with 4,000
active courses of mentoring for their loads and 60 supervision sessions on one member. Then
times, in-process with Django's test client (no web server), one request at a time, signed in as
carl through the real pages (password, then the current TOTP code):

- the register without a search, and its page 50;
- a search by language; by language, age group and "only free and accredited";
- nearest to Aarhus first; and within 50 km of Aarhus with language and free places;
- one member's entry with 60 supervision sessions (as morten, who sees the topics).

It prints the number of SQL queries and the median and 95th-percentile server time per page.

    .venv/bin/python bench/corps_search.py                        # SQLite in a temporary folder
    .venv/bin/python bench/corps_search.py --requests 50 --members 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infohus .venv/bin/python bench/corps_search.py
        # SQLite, then PostgreSQL on the same server in a scratch database (--postgres-name,
        # default infohus_corpsbench, dropped and created again; DATABASE_URL's own database is
        # not touched)

Not part of the test suite. See bench/README.md, section "Mentor corps register".
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import add_database_arguments, percentile, run_each_database, signed_in

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261206
DEFAULT_MEMBERS = 5000
COURSES = 4000
DEFAULT_POSTGRES_NAME = "infohus_corpsbench"
LANGUAGES = ["da", "en", "ar", "so", "tr", "ur", "fa", "ku", "de", "pl", "ru", "sv", "ti", "ps", "bs"]



# --- filling ---------------------------------------------------------------------------------------


def fill(members: int) -> dict[str, Any]:
    """Rows made directly (bulk_create): the services that keep the register are not what is measured."""
    from django.utils import timezone

    from infohus.accounts.demo import create_demo_accounts
    from infohus.accounts.models import Membership, Organisation, User
    from infohus.accounts.roles import Role
    from infohus.cases.models import Case, Person
    from infohus.interventions.models import (
        AgeGroup,
        CorpsRole,
        Intervention,
        InterventionKind,
        MentorProfile,
        Supervision,
    )
    from infohus.interventions.municipalities import MUNICIPALITIES
    from infohus.interventions.services.corps import EXPERIENCE_KINDS

    rng = random.Random(SEED)
    people = create_demo_accounts()
    today = timezone.localdate()
    existing = set(Organisation.objects.filter(kind="municipality").values_list("municipality_code", flat=True))
    Organisation.objects.bulk_create(
        [Organisation(name=f"{place.name} Kommune (bench)", kind="municipality", municipality_code=code)
         for code, place in MUNICIPALITIES.items() if code not in existing]
        + [Organisation(name="Læsø Kommune (bench)", kind="municipality", municipality_code="825"),
           Organisation(name="Samsø Kommune (bench)", kind="municipality", municipality_code="741")])
    homes = list(Organisation.objects.filter(kind="municipality"))
    users = User.objects.bulk_create([
        User(username=f"corps{n:05d}", first_name=rng.choice(["Amina", "Bo", "Cem", "Dorthe", "Emil", "Fatima",
                                                                "Gustav", "Hiba", "Ib", "Jonas"]),
             last_name=f"Bench{n:05d}", password="!") for n in range(members)])
    home_of = [rng.choice(homes) for _user in users]
    Membership.objects.bulk_create([
        Membership(user=user, organisation=home, role=rng.choice([Role.MENTOR, Role.MENTOR, Role.PARENT_COACH]))
        for user, home in zip(users, home_of, strict=True)])
    ages, kinds = list(AgeGroup.values), [k.value for k in EXPERIENCE_KINDS]

    def some(values: list[str], most: int) -> str:
        return ",".join(rng.sample(values, rng.randint(0, most)))

    profiles = []
    for user, home in zip(users, home_of, strict=True):
        trained = rng.random()
        accredited_on = today - timedelta(days=rng.randint(30, 2000)) if trained > 0.1 else None
        expires = None
        if accredited_on is not None:
            expires = today + timedelta(days=rng.randint(-400, 1200)) if rng.random() < 0.8 else None
        profiles.append(MentorProfile(
            user=user, home_municipality=home, corps_role=rng.choice([CorpsRole.MENTOR, CorpsRole.MENTOR,
                                                                      CorpsRole.PARENT_COACH]),
            gender=rng.choice(["female", "male", "", "other"]),
            languages=",".join(["da", *rng.sample(LANGUAGES[1:], rng.randint(0, 3))]),
            age_groups=some(ages, 3), extremism_kinds=some(kinds, 3), prison_work=rng.random() < 0.3,
            capacity=rng.randint(1, 5), accredited_on=accredited_on, accreditation_expires_on=expires,
            is_active=rng.random() > 0.05))
    MentorProfile.objects.bulk_create(profiles)
    carl = people["carl"]
    aarhus = Organisation.objects.get(municipality_code="751", kind="municipality", name__contains="demo")
    persons = Person.objects.bulk_create([Person(first_name="Bench", last_name=f"Person {n}") for n in range(50)])
    cases = Case.objects.bulk_create([
        Case(reference=f"S-BENCH-{n:05d}", person=person, owner=aarhus, lead=carl, next_review_on=today)
        for n, person in enumerate(persons)])
    Intervention.objects.bulk_create([
        Intervention(kind=rng.choice([InterventionKind.MENTORING, InterventionKind.PARENT_COACHING]),
                     case=rng.choice(cases), organisation=aarhus, provider_user=rng.choice(users),
                     started_on=today - timedelta(days=rng.randint(1, 300)), created_by=carl)
        for _n in range(COURSES)])
    supervised = MentorProfile.objects.order_by("pk").first()
    assert supervised is not None
    Supervision.objects.bulk_create([
        Supervision(mentor=supervised, coach=people["morten"], held_on=today - timedelta(days=7 * n),
                    duration_minutes=60, topics="Boundaries, self-care and the wheel of competences. " * 3)
        for n in range(60)])
    return {"aarhus": aarhus, "members": MentorProfile.objects.count(), "supervised": supervised.pk,
            "municipalities": len(homes)}


# --- measuring -------------------------------------------------------------------------------------



def timed(label: str, requests: int, call: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm in range(2):
        call()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    count = len(queries.captured_queries)
    timings = []
    for _n in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    rows = response.content.decode().count('data-testid="corps-row"')
    result = {"label": label, "queries": count, "median": statistics.median(timings),
              "p95": percentile(timings, 0.95), "bytes": len(response.content), "rows": rows}
    print(f"  {label:<52} {count:>7} {rows:>5} {result['median']:>10.1f} {result['p95']:>8.1f}"
          f" {result['bytes'] / 1024:>8.0f}", flush=True)
    return result


def measure(world: dict[str, Any], requests: int) -> None:
    from django.urls import reverse

    carl, morten = signed_in("carl"), signed_in("morten")

    def get(client: Any, url: str, params: dict[str, Any] | None = None) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response
        return call

    register = reverse("interventions:corps_list")
    aarhus = world["aarhus"].pk
    print(f"  {'page':<52} {'queries':>7} {'rows':>5} {'median ms':>10} {'p95 ms':>8} {'KiB':>8}")
    timed("register, no search (as carl)", requests, get(carl, register))
    timed("register, page 50", requests, get(carl, register, {"page": "50"}))
    timed("speaks Arabic", requests, get(carl, register, {"language": "ar"}))
    timed("Arabic, young people 15-17, free and accredited", requests,
          get(carl, register, {"language": "ar", "age_group": "young", "free": "on"}))
    timed("nearest to Aarhus first", requests, get(carl, register, {"near": aarhus}))
    timed("within 50 km of Aarhus, Arabic, free, prison work", requests,
          get(carl, register, {"near": aarhus, "within_km": "50", "language": "ar", "free": "on",
                               "prison_work": "on"}))
    timed("one member, 60 supervisions (as morten)", requests,
          get(morten, reverse("interventions:corps_profile", args=[world["supervised"]])))


# --- driving ---------------------------------------------------------------------------------------



def run(database_url: str, requests: int, members: int) -> None:
    """One database: migrate, fill, measure (in this process, which it sets Django up for)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.update(INFOHUS_ENV="development", DEBUG="false", DJANGO_SETTINGS_MODULE="infohus.settings")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        where = f"SQLite {connection.Database.sqlite_version}, /{urlsplit(database_url).path.lstrip('/')}"
    else:
        where = f"PostgreSQL {connection.pg_version // 10000}, database {urlsplit(database_url).path.lstrip('/')}"
    print(f"{where}; {os.cpu_count()} cores; migrated in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    world = fill(members)
    print(f"  filled: {world['members']} members in {world['municipalities']} municipalities, {COURSES} active "
          f"courses, in {time.perf_counter() - started:.1f} s")
    measure(world, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(parser, DEFAULT_POSTGRES_NAME)
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="members of the corps")
    args = parser.parse_args()
    if args.child:
        run(args.child, args.requests, args.members)
        return
    run_each_database(parser, args, __file__, "infohus-corpsbench-",
                      ["--requests", str(args.requests), "--members", str(args.members)])


if __name__ == "__main__":
    main()
