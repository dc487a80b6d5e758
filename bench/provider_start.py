"""Benchmark: a provider's start page and list of interventions, for a mentor with 10,000 sessions.

Builds, in a throw-away database, mads (mentor, Aarhus) providing 200 interventions on 200 cases
of carl's that he is on the team of (150 active, 50 ended), with 10,000 sessions between them
(50 each, a fifth in the health compartment he does not see, each setting a next appointment;
about a third of the active ones overdue); besides, otto's 1,000 interventions with 20,000
sessions on other cases, and 1,000 anonymous advice consultations of Aarhus and Randers. Then
times, in-process with Django's test client (no web server), one request at a time, signed in as
mads through the real pages (password, then the current TOTP code):

- the start page (/desk/), whose "Your mentees" section lists his active interventions, overdue
  follow-ups first;
- the list of his interventions (my_interventions), pages 1 and 3, with the year's advice counts;
- an intervention's page with its 50 sessions (a different intervention each request).

It prints the number of SQL queries and the median and 95th-percentile server time per page.

    .venv/bin/python bench/provider_start.py                       # SQLite in a temporary folder
    .venv/bin/python bench/provider_start.py --requests 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infohus .venv/bin/python bench/provider_start.py
        # SQLite, then PostgreSQL on the same server in a scratch database (--postgres-name,
        # default infohus_providerbench, dropped and created again; DATABASE_URL's own database
        # is not touched)

Not part of the test suite. See bench/README.md, section "Provider start page".
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
INTERVENTIONS = 200
SESSIONS_EACH = 50
ACTIVE = 150
NOISE_INTERVENTIONS = 1_000
NOISE_SESSIONS_EACH = 20
ADVICE = 1_000
DEFAULT_POSTGRES_NAME = "infohus_providerbench"

WORDS = ("meeting school football mother father talked plan goals agreed next week follow up calm worried better "
         "job training youth club gym friends online").split()



# --- filling ---------------------------------------------------------------------------------------


def fill() -> dict[str, Any]:
    """The demo people, the cases and the interventions with their sessions (rows made directly:
    the services are not what is measured)."""
    from django.db import transaction
    from django.utils import timezone

    from infohus.accounts.demo import create_demo_accounts
    from infohus.accounts.models import Organisation
    from infohus.cases.tests.factories import make_case
    from infohus.interventions.models import AdviceFor, Intervention, InterventionKind, Outcome, Session

    rng = random.Random(SEED)
    people = create_demo_accounts()
    carl, mads, otto, rita = people["carl"], people["mads"], people["otto"], people["rita"]
    aarhus = Organisation.objects.get(name__startswith="Aarhus")
    randers = Organisation.objects.get(name__startswith="Randers")
    today = timezone.localdate()
    kinds = [InterventionKind.MENTORING, InterventionKind.EXIT_TALKS, InterventionKind.CONCERN_CONVERSATION,
             InterventionKind.STREET_WORK]

    def notes() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))

    def interventions_and_sessions(cases: list[Any], provider: Any, organisation: Any, each: int,
                                   sessions_each: int, active: int) -> tuple[list[Any], int]:
        """Weekly sessions; the last one of an active intervention a few days ago with the next
        appointment ahead, or (about a third) weeks ago with the next appointment passed."""
        made, plans = [], []
        for case in cases:
            for _k in range(each):
                is_active = len(made) < active
                if is_active:
                    overdue = rng.random() < 0.35
                    last_held = today - timedelta(days=rng.randint(21, 40) if overdue else rng.randint(0, 6))
                else:
                    last_held = today - timedelta(days=rng.randint(60, 400))
                first_held = last_held - timedelta(days=7 * (sessions_each - 1))
                plans.append(first_held)
                made.append(Intervention(
                    kind=rng.choice(kinds), case=case, organisation=organisation, provider_user=provider,
                    status=Intervention.Status.ACTIVE if is_active else Intervention.Status.ENDED,
                    started_on=first_held - timedelta(days=rng.randint(0, 10)),
                    ended_on=None if is_active else last_held + timedelta(days=1),
                    outcome="" if is_active else Outcome.GOALS_MET, description="Weekly meetings.",
                    created_by=case.lead))
        made = Intervention.objects.bulk_create(made)
        sessions = []
        for i, first_held in zip(made, plans, strict=True):
            for s in range(sessions_each):
                held = first_held + timedelta(days=7 * s)
                sessions.append(Session(
                    intervention=i, held_on=held, duration_minutes=rng.choice([30, 45, 60, 90]),
                    mode=rng.choice(Session.Mode.values), with_person=True, notes=notes(),
                    compartment="health" if rng.random() < 0.2 else "general",
                    next_appointment=held + timedelta(days=7), logged_by=provider))
        Session.objects.bulk_create(sessions, batch_size=2_000)
        return made, len(sessions)

    with transaction.atomic():
        mads_cases = [make_case(lead=carl, team={mads: "general"}) for _ in range(INTERVENTIONS)]
        mine, mine_sessions = interventions_and_sessions(mads_cases, mads, aarhus, 1, SESSIONS_EACH, ACTIVE)
        otto_cases = [make_case(lead=rita, team={otto: "general"}) for _ in range(NOISE_INTERVENTIONS // 10)]
        _noise, noise_sessions = interventions_and_sessions(otto_cases, otto, randers, 10, NOISE_SESSIONS_EACH,
                                                            NOISE_INTERVENTIONS // 2)
        advice = [Intervention(kind=InterventionKind.ADVICE_CONSULTATION, organisation=aarhus if n % 2 else randers,
                               provider_user=mads if n % 2 else otto, status=Intervention.Status.ENDED,
                               started_on=today - timedelta(days=rng.randint(0, 700)), ended_on=today,
                               outcome=Outcome.ADVICE_GIVEN, anonymous=True,
                               advice_for=rng.choice(AdviceFor.values), created_by=mads if n % 2 else otto)
                  for n in range(ADVICE)]
        Intervention.objects.bulk_create(advice)
    active_ids = [i.pk for i in mine if i.status == Intervention.Status.ACTIVE]
    return {"mine": len(mine), "active": len(active_ids), "sessions": mine_sessions,
            "noise_sessions": noise_sessions, "details": active_ids}


# --- measuring -------------------------------------------------------------------------------------



def timed(label: str, requests: int, call: Callable[[int], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for warm in range(2):
        call(warm)
    with CaptureQueriesContext(connection) as queries:
        response = call(2)
    count = len(queries.captured_queries)  # now: the next request clears the connection's log
    timings = []
    for n in range(requests):
        started = time.perf_counter()
        call(n + 3)
        timings.append((time.perf_counter() - started) * 1000)
    result = {"label": label, "queries": count, "median": statistics.median(timings),
              "p95": percentile(timings, 0.95), "bytes": len(response.content)}
    print(f"  {label:<46} {result['queries']:>7} {result['median']:>10.1f} {result['p95']:>8.1f}"
          f" {result['bytes'] / 1024:>8.0f}", flush=True)
    return result


def measure(world: dict[str, Any], requests: int) -> None:
    from django.urls import reverse

    client = signed_in("mads")

    def get(path: str, params: dict[str, str] | None = None, marker: str = "") -> Callable[[int], Any]:
        def call(_n: int) -> Any:
            response = client.get(path, params or {})
            assert response.status_code == 200, (path, response.status_code, response.content[:300])
            assert not marker or marker in response.content.decode()
            return response
        return call

    details = world["details"]

    def detail(n: int) -> Any:
        return get(reverse("interventions:intervention_detail", args=[details[n % len(details)]]),
                   marker='data-testid="session"')(n)

    print(f"  {'page (as mads)':<46} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'KiB':>8}")
    timed("start page /desk/", requests, get("/desk/", marker="follow-up overdue since"))
    timed("my interventions, page 1", requests, get(reverse("interventions:my_interventions"),
                                                    marker='data-testid="overdue"'))
    timed("my interventions, page 3", requests, get(reverse("interventions:my_interventions"), {"page": "3"}))
    timed(f"an intervention with {SESSIONS_EACH} sessions", requests, detail)


# --- driving ---------------------------------------------------------------------------------------



def run(database_url: str, requests: int) -> None:
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
    world = fill()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  filled: mads provides {world['mine']} interventions ({world['active']} active) with "
          f"{world['sessions']:,} sessions; {world['noise_sessions']:,} sessions of others; {ADVICE:,} advice "
          f"consultations; in {time.perf_counter() - started:.1f} s")
    measure(world, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(parser, DEFAULT_POSTGRES_NAME)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.requests)
        return
    run_each_database(parser, args, __file__, "infohus-providerbench-", ["--requests", str(args.requests)])


if __name__ == "__main__":
    main()
