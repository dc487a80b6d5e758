"""Benchmark: search and country pages of the public directory with 100,000 projects.

For each database (a throw-away SQLite file, and PostgreSQL database `infohus_bench` when a
server answers), the script migrates an empty database, fills it with synthetic projects
(bulk_create, with their search documents, countries, tags and contacts), then requests the
search page for a handful of queries and two country pages through Django's test client, in
one process, one request at a time. It prints the median and the 95th percentile of each.

    .venv/bin/python bench/directory_search.py [--projects 100000] [--repeat 20]
        [--postgres postgres://postgres@127.0.0.1:5432/infohus_bench] [--no-postgres]

The PostgreSQL database named in --postgres is dropped and created again. Not part of the
test suite. See bench/README.md.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

SEARCHES = [
    ("mentor", {"q": "mentor"}),
    ("prison", {"q": "prison"}),
    ("parents", {"q": "parents"}),
    ("aarhus", {"q": "aarhus"}),
    ("mentor prison", {"q": "mentor prison"}),
    ("radicalisation (very common)", {"q": "radicalisation"}),
    ("mentor, page 20", {"q": "mentor", "page": "20"}),
    ("mentor + country DK + theme", {"q": "mentor", "country": "DK", "theme": "mentoring"}),
    ("no match", {"q": "xylophone"}),
    ("no words, filter DK", {"country": "DK"}),
]
COUNTRY_PAGES = [
    ("Denmark (largest)", "dk", {}),
    ("Denmark, page 40", "dk", {"page": "40"}),
    ("Malta (small)", "mt", {}),
]

WORDS = (
    "prevention radicalisation extremism youth community dialogue school teacher police social services "
    "psychiatry municipality network training course awareness workshop family relatives coaching exit "
    "disengagement aftercare returnees conflict probation resilience democracy citizenship online media "
    "hate crime victims support counselling assessment cooperation local national european research "
    "evaluation method toolkit helpline outreach sport culture religion mosque church association volunteer"
).split()
RARE = ["mentor", "mentors", "mentoring", "prison", "prisons", "parents", "parent", "aarhus", "copenhagen"]


# --- filling -----------------------------------------------------------------------------------


def fill(count: int) -> None:
    from django.db import transaction

    from infohus.directory.models import ContactPoint, Country, Organisation, Project, Tag

    rng = random.Random(20261127)  # the same directory on every run and both databases
    countries = list(Country.objects.all())
    # A skewed spread, as in the real directory: a few countries hold most projects.
    weights = [40 if c.code == "DK" else 15 if c.code in {"DE", "FR", "NL", "SE", "GB"} else 1 for c in countries]
    tags = list(Tag.objects.all())

    def sentence(n: int) -> str:
        words = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.2:
            words[rng.randrange(n)] = rng.choice(RARE)
        return " ".join(words).capitalize() + "."

    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [Organisation(name=f"Organisation {i} {rng.choice(WORDS)}", slug=f"organisation-{i}",
                          country=rng.choices(countries, weights)[0]) for i in range(count // 10)],
            batch_size=2000,
        )
        for start in range(0, count, 5000):
            batch = []
            for i in range(start, min(start + 5000, count)):
                title = sentence(rng.randint(3, 7))[:-1]
                summary = sentence(rng.randint(10, 20))
                description = " ".join(sentence(rng.randint(8, 16)) for _ in range(rng.randint(3, 8)))
                organisation = rng.choice(organisations)
                chosen = {c.pk: c for c in rng.choices(countries, weights, k=rng.randint(1, 2))}
                contact_name = f"Contact {rng.choice(WORDS).title()} {i}"
                document = "\n".join([title, summary, description, organisation.name,
                                      *(c.name for c in chosen.values()), contact_name])
                project = Project(title=title, slug=f"project-{i}", summary=summary, description=description,
                                  organisation=organisation, search_document=document,
                                  prevention_level=rng.choice(["universal", "targeted", "indicated", ""]))
                project._bench = (list(chosen), rng.sample(tags, rng.randint(1, 4)), contact_name)  # type: ignore[attr-defined]
                batch.append(project)
            Project.objects.bulk_create(batch, batch_size=1000)
            Project.countries.through.objects.bulk_create(
                [Project.countries.through(project_id=p.pk, country_id=c) for p in batch for c in p._bench[0]],
                batch_size=5000,
            )
            Project.tags.through.objects.bulk_create(
                [Project.tags.through(project_id=p.pk, tag_id=t.pk) for p in batch for t in p._bench[1]],
                batch_size=5000,
            )
            ContactPoint.objects.bulk_create(
                [ContactPoint(project_id=p.pk, name=p._bench[2], email=f"contact{p.pk}@example.org",
                              phone="+4512345678", address="Street 1\n8000 Aarhus") for p in batch],
                batch_size=5000,
            )


# --- measuring ---------------------------------------------------------------------------------


def measure(client: "object", url: str, params: dict[str, str], repeat: int) -> dict[str, float]:
    timings = []
    for round_ in range(repeat + 2):
        started = time.perf_counter()
        response = client.get(url, params)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, params, response.status_code)
        if round_ >= 2:  # two warm-up rounds
            timings.append(elapsed)
    return {"median": statistics.median(timings), "p95": statistics.quantiles(timings, n=20, method="inclusive")[18]}


def run(count: int, repeat: int) -> None:
    """In a child process whose DATABASE_URL names an empty database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infohus.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from infohus.directory.selectors import search_projects

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    fill(count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO directory_project_fts(directory_project_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    fill_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST="localhost")
    results: dict[str, object] = {
        "vendor": connection.vendor, "fill_seconds": fill_seconds, "search": [], "country": [],
    }
    for label, params in SEARCHES:
        found = search_projects(params.get("q", ""), country=params.get("country", ""),
                                theme=params.get("theme", "")).count()
        timing = measure(client, "/network/search/", params, repeat)
        results["search"].append({"label": label, "found": found, **timing})  # type: ignore[attr-defined]
    for label, code, params in COUNTRY_PAGES:
        timing = measure(client, f"/network/countries/{code}/", params, repeat)
        results["country"].append({"label": label, **timing})  # type: ignore[attr-defined]
    print("RESULT " + json.dumps(results))


# --- driving -----------------------------------------------------------------------------------


def recreate_postgres(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable ({error}); skipped.", file=sys.stderr)
        return False
    return True


def child(database_url: str, count: int, repeat: int) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update(DATABASE_URL=database_url, INFOHUS_ENV="development", DEBUG="false", PYTHONPATH=str(ROOT))
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--projects", str(count), "--repeat", str(repeat)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if output.returncode != 0:
        sys.exit(f"benchmark on {database_url} failed:\n{output.stderr}")
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def report(results: dict[str, object], count: int) -> None:
    print(f"\n{results['vendor']}: {count:,} projects, filled in {results['fill_seconds']:.0f} s")
    print(f"  {'search page':<34} {'found':>7} {'median ms':>10} {'p95 ms':>8}")
    for row in results["search"]:  # type: ignore[attr-defined]
        print(f"  {row['label']:<34} {row['found']:>7} {row['median']:>10.1f} {row['p95']:>8.1f}")
    print(f"  {'country page':<34} {'':>7} {'median ms':>10} {'p95 ms':>8}")
    for row in results["country"]:  # type: ignore[attr-defined]
        print(f"  {row['label']:<34} {'':>7} {row['median']:>10.1f} {row['p95']:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/infohus_bench")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.projects, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="infohus-bench-") as directory:
        report(child(f"sqlite:///{directory}/bench.sqlite3", args.projects, args.repeat), args.projects)
    if not args.no_postgres and recreate_postgres(args.postgres):
        report(child(args.postgres, args.projects, args.repeat), args.projects)


if __name__ == "__main__":
    main()
