"""Benchmark: the statistics dashboard over the 1,000,000-person database.

Times the dashboard's selectors (infohus/insights/selectors/dashboard.py) and the page itself
(through Django's test client, in-process, signed in as the analyst anders through the real
pages: password, then the TOTP code), one request at a time, for four filters: the whole period,
one municipality (Aarhus), one police district (Københavns Politi) and one year (the last full
calendar year). Prints the number of queries, the median and the 95th percentile.

    .venv/bin/python bench/insights_data.py --reset         # once: fill infohus_bench
    .venv/bin/python bench/insights.py                      # 20 measured calls per row
    .venv/bin/python bench/insights.py --requests 50 --explain

--explain runs EXPLAIN (ANALYZE, BUFFERS) on every captured SELECT that took 20 ms or more and
writes the plans to /tmp/infohus-insightsbench-explain.txt. Not part of the test suite; see
bench/README.md, section "Insights dashboard".
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from harness import percentile, signed_in
from insights_data import DEFAULT_DATABASE, YEARS, configure

EXPLAIN_FILE = Path(tempfile.gettempdir()) / "infohus-insightsbench-explain.txt"


class QueryLog:
    """Every statement of every connection, with its time. CaptureQueriesContext on this thread's
    connection saw none of the page's queries here (it reported 0 for every page), so the count
    is taken at the cursor instead."""

    def __init__(self) -> None:
        from django.db.backends.utils import CursorWrapper

        self.active = False
        self.queries: list[dict[str, str]] = []
        original = CursorWrapper._execute_with_wrappers
        log = self

        def timed(cursor: Any, sql: str, params: Any, many: bool, executor: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(cursor, sql, params, many, executor)
            finally:
                if log.active:
                    log.queries.append({"sql": cursor.db.ops.last_executed_query(cursor.cursor, sql, params)
                                        if not many else sql, "time": f"{time.perf_counter() - started:.6f}"})

        CursorWrapper._execute_with_wrappers = timed  # type: ignore[method-assign]

    def capture(self, call: Callable[[], Any]) -> list[dict[str, str]]:
        self.queries, self.active = [], True
        try:
            call()
        finally:
            self.active = False
        return self.queries


class Timer:
    def __init__(self, requests: int, warmup: int) -> None:
        self.requests, self.warmup = requests, warmup
        self.log = QueryLog()
        self.captured: dict[str, list[dict[str, str]]] = {}

    def run(self, label: str, how: str, call: Callable[[], Any]) -> None:
        for _ in range(self.warmup):
            call()
        timings = []
        for n in range(self.requests):
            started = time.perf_counter()
            if n == 0:  # the first measured call also counts the queries (the log costs microseconds)
                self.captured[f"{label} ({how})"] = self.log.capture(call)
            else:
                call()
            timings.append((time.perf_counter() - started) * 1000)
        queries = self.captured[f"{label} ({how})"]
        slowest = max((float(q["time"]) for q in queries), default=0.0)
        print(f"  {label:<44} {how:<9} {len(queries):>7} {statistics.median(timings):>10.0f}"
              f" {percentile(timings, 0.95):>8.0f} {max(timings):>8.0f} {slowest * 1000:>12.0f}", flush=True)


def explain(timer: Timer, threshold: float = 0.02) -> None:
    from django.db import connection

    with EXPLAIN_FILE.open("w") as out, connection.cursor() as cursor:
        for label, queries in timer.captured.items():
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or float(query["time"]) < threshold:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                out.write(f"=== {label}: {float(query['time']) * 1000:.1f} ms\n{sql}\n\n{plan}\n\n")
                print(f"  EXPLAIN {label}: {float(query['time']) * 1000:.0f} ms  {sql[:100]}")
    print(f"  plans: {EXPLAIN_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the filled database (default %(default)s)")
    parser.add_argument("--requests", type=int, default=20, help="measured calls per row")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured calls before them")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries of 20 ms or more")
    parser.add_argument("--only", choices=["selectors", "page"], help="time only the selectors or only the page")
    args = parser.parse_args()
    configure(args.database)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from infohus.accounts.models import Organisation
    from infohus.cases.models import Concern, Person

    call_command("migrate", verbosity=0)
    print(f"{args.database}: {Person.objects.count():,} people, {Concern.objects.count():,} concerns; "
          f"PostgreSQL {connection.pg_version // 10000}")
    aarhus = Organisation.objects.get(name="Aarhus Kommune (demo)")
    copenhagen = Organisation.objects.get(name="Københavns Politi — Infohus (bench)")
    year = timezone.localdate().year - 1
    filters = [("whole period", {}), ("one municipality (Aarhus)", {"municipality": aarhus}),
               ("one police district (København)", {"district": copenhagen}), (f"one year ({year})", {"year": year})]
    timer = Timer(args.requests, args.warmup)
    print(f"  {'filter':<44} {'how':<9} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
          f" {'slowest q ms':>12}")
    if args.only != "page":
        for label, chosen in filters:
            timer.run(label, "selectors", selector_call(chosen))
    if args.only != "selectors":
        client = signed_in("anders")
        for label, chosen in filters:
            url, params = page_request(chosen)
            timer.run(label, "page", lambda url=url, params=params: get_ok(client, url, params))
    if args.explain:
        explain(timer)


def get_ok(client: Any, url: str, params: dict[str, str]) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code, response.content[:300])
    return response


def dashboard_filter(chosen: dict[str, Any]) -> Any:
    """The dashboard's Filter: ten years of whole months up to this one, or one calendar year."""
    from django.utils import timezone

    from infohus.insights.selectors.dashboard import Filter, months_before

    this_month = timezone.localdate().replace(day=1)
    if "year" in chosen:
        return Filter(first=date(chosen["year"], 1, 1), last=date(chosen["year"], 12, 1))
    # The longest period the dashboard's form takes: 120 months, this one included.
    return Filter(first=months_before(this_month, YEARS * 12 - 1), last=this_month,
                  municipality=chosen.get("municipality"), district=chosen.get("district"))


def selector_call(chosen: dict[str, Any]) -> Callable[[], Any]:
    """Every table of the dashboard, built as the page builds them (a fresh Dashboard each time)."""
    from infohus.insights.selectors.dashboard import Dashboard

    return lambda: Dashboard(dashboard_filter(chosen)).blocks()


def page_request(chosen: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The page's URL and the GET parameters its filter form sends for the same filter."""
    from django.urls import reverse

    described = dashboard_filter(chosen).describe()
    return reverse("insights:dashboard"), {key: "" if value is None else str(value) for key, value in described.items()}


if __name__ == "__main__":
    main()
