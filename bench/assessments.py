"""Benchmark: the assessments progress page of a case with 200 signed assessments.

Builds, in a throw-away database, a case led by carl with 200 signed assessments: a Balanced Risk
Assessment-like instrument (four participants on a 0-10 scale, in two versions) and a ten-area
life-skills wheel, plus drafts and health-compartment assessments that carl does not see; and a
second case with 3 signed assessments. Then times, in-process with Django's test client (no web
server), one request at a time, signed in as carl through the real pages (password, then the
current TOTP code):

- the progress page of the 3-assessment case and of the 200-assessment case;
- the progress page, page 4 of the timeline;
- two assessments side by side (assessment_compare), and the choice of one to compare with;
- the PDF of one assessment, and the progress PDF of the 200-assessment case.

It prints the number of SQL queries and the median and 95th-percentile server time per page.

    .venv/bin/python bench/assessments.py                        # SQLite in a temporary folder
    .venv/bin/python bench/assessments.py --requests 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infohus .venv/bin/python bench/assessments.py
        # SQLite, then PostgreSQL on the same server in a scratch database (--postgres-name,
        # default infohus_assessbench, dropped and created again; DATABASE_URL's own database is
        # not touched)

Not part of the test suite. See bench/README.md, section "Assessments progress".
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import add_database_arguments, percentile, run_each_database, signed_in

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261205
SIGNED = 200
DEFAULT_POSTGRES_NAME = "infohus_assessbench"



# --- filling ---------------------------------------------------------------------------------------


def fill() -> dict[str, Any]:
    """The demo people, the instruments, two cases and their assessments (rows made directly:
    the recording services are not what is measured)."""
    from django.utils import timezone

    from infohus.accounts.demo import create_demo_accounts
    from infohus.assessments.models import Assessment
    from infohus.assessments.tests.factories import PARTICIPANTS, published, small_definition, wheel_definition
    from infohus.cases.tests.factories import make_case

    rng = random.Random(SEED)
    people = create_demo_accounts()
    carl, signe = people["carl"], people["signe"]

    def risk_definition(version: int) -> dict[str, Any]:
        """Balanced Risk Assessment-like: worries, what works, next steps, and four participants' scales."""
        definition = small_definition(slug="bench-balanced-risk", name_da="Balanceret risikovurdering",
                                      name_en="Balanced Risk Assessment")
        scale = definition["sections"][1]["fields"][2]
        scale["options"] = {"participants": PARTICIPANTS}
        if version == 2:
            definition["sections"][0]["fields"].append(
                {"key": "next", "kind": "statements", "label_da": "Næste skridt", "label_en": "Next steps"})
        return definition

    risk_v1 = published(risk_definition(1))
    risk_v2 = published(risk_definition(2))
    wheel = published(wheel_definition(areas=10, slug="bench-wheel", name_en="Life-skills wheel"))
    big = make_case(lead=carl, team={people["mads"]: "general", signe: "general,health"})
    small = make_case(lead=carl)
    now = timezone.now()
    start = date(2019, 1, 1)

    def row(case: Any, n: int, *, version: Any, signed: bool = True, compartment: str = "general",
            author: Any = carl) -> Assessment:
        if version == wheel:
            answers: dict[str, Any] = {f"area-{k}": rng.randint(0, 10) for k in range(1, 11)}
            answers.update({f"area-{k}-note": "Talked about it at the meeting." for k in range(1, 11, 3)})
        else:
            answers = {"summary": "Goes to school most days", "story": "Met at the youth club. " * 20,
                       "harm": ["Threats online", "A new group of friends"], "areas": ["family"],
                       "overall": rng.randint(0, 10),
                       "scale": {p["key"]: rng.randint(0, 10) for p in PARTICIPANTS if rng.random() < 0.9}}
        return Assessment(version=version, case=case, person_id=case.person_id, compartment=compartment,
                          assessed_on=start + timedelta(days=9 * n), answers=answers, created_by=author,
                          status=Assessment.Status.SIGNED if signed else Assessment.Status.DRAFT,
                          signed_by=author if signed else None, signed_at=now if signed else None)

    rows = []
    for n in range(SIGNED):
        # 60 % risk assessments (the first half of them in version 1), 40 % wheels.
        version = wheel if n % 5 in (1, 3) else (risk_v1 if n < SIGNED // 2 else risk_v2)
        rows.append(row(big, n, version=version))
    rows += [row(big, SIGNED + n, version=risk_v2, signed=False) for n in range(10)]
    rows += [row(big, n, version=risk_v2, compartment="health", author=signe) for n in range(20)]
    rows += [row(small, n, version=(risk_v1, wheel, risk_v2)[n]) for n in range(3)]
    Assessment.objects.bulk_create(rows)
    visible = Assessment.objects.filter(case=big, compartment="general")
    return {"big": big, "small": small, "signed": visible.filter(status="signed").count(),
            "total": Assessment.objects.filter(case=big).count(),
            "pair": list(visible.filter(version=risk_v2, status="signed").order_by("-assessed_on")
                         .values_list("pk", flat=True)[:2])}


# --- measuring -------------------------------------------------------------------------------------



def timed(label: str, requests: int, call: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm in range(2):
        call()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    count = len(queries.captured_queries)  # now: the next request clears the connection's log
    timings = []
    for _n in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    result = {"label": label, "queries": count, "median": statistics.median(timings),
              "p95": percentile(timings, 0.95), "bytes": len(response.content)}
    print(f"  {label:<46} {result['queries']:>7} {result['median']:>10.1f} {result['p95']:>8.1f}"
          f" {result['bytes'] / 1024:>8.0f}", flush=True)
    return result


def measure(world: dict[str, Any], requests: int) -> None:
    from django.urls import reverse

    client = signed_in("carl")

    def get(url: str, params: dict[str, str] | None = None) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response
        return call

    big, small = world["big"], world["small"]
    left, right = world["pair"]
    print(f"  {'page (as carl)':<46} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'KiB':>8}")
    timed("progress page, 3 signed", requests, get(reverse("assessments:case_progress", args=[small.pk])))
    timed(f"progress page, {world['signed']} signed", requests,
          get(reverse("assessments:case_progress", args=[big.pk])))
    timed("progress page, timeline page 4", requests,
          get(reverse("assessments:case_progress", args=[big.pk]), {"page": "4"}))
    timed("compare two (same version)", requests,
          get(reverse("assessments:assessment_compare", args=[left]), {"with": str(right)}))
    timed("compare: choose the other one", requests, get(reverse("assessments:assessment_compare", args=[left])))
    timed("PDF of one assessment", requests, get(reverse("assessments:assessment_pdf", args=[left])))
    timed(f"progress PDF, {world['signed']} signed", max(5, requests // 3),
          get(reverse("assessments:case_progress_pdf", args=[big.pk])))


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
    print(f"  filled: {world['total']} assessments on the case ({world['signed']} signed that carl sees; drafts "
          f"and the health compartment besides) in {time.perf_counter() - started:.1f} s")
    measure(world, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(parser, DEFAULT_POSTGRES_NAME)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.requests)
        return
    run_each_database(parser, args, __file__, "infohus-assessbench-", ["--requests", str(args.requests)])


if __name__ == "__main__":
    main()
