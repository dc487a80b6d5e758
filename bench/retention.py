"""Benchmark: one retention run that erases 100,000 expired records from the 1,000,000-person database.

Works on a copy of the database bench/insights_data.py filled (`CREATE DATABASE … TEMPLATE`), so
the dashboard's data stays as it was and the run can be repeated:

1. Copies --source (default infohus_bench) to --copy (default infohus_bench_retention).
2. Adds --records (default 100,000) concerns that ended without a case long ago (11 to 12 years,
   before the ten years of the dataset), each about a person of its own who has nothing else on
   record: half decided "no further action" at the Info house, half closed by the institution's
   local assessment (the two ways `expired_concerns` finds). Another --held (default 1,000) like
   them are about people under a legal hold, which the run must leave alone.
3. Sets the retention rules so that only these expire: concerns closed without a case, closed
   cases and external course participants 132 months (11 years); people the default 6 months
   after their last concern or case is gone; everything else its default.
4. Times a dry run, then the run itself (`infohus.privacy.services.retention.run_retention`),
   timing every transaction the run opens (each batch of --batch-size ids, default the
   service's) and sampling `pg_stat_activity` every 20 ms for the run's connection: the oldest
   open transaction, whether it was waiting, and how many locks it held.
5. Checks the outcome (exactly the expired records anonymised, the held ones and the rest of the
   dataset untouched) and drops the copy (unless --keep).

    .venv/bin/python bench/insights_data.py --reset        # once: the 1,000,000-person database
    .venv/bin/python bench/retention.py
    .venv/bin/python bench/retention.py --records 20000 --batch-size 1000 --keep

Not part of the test suite; see bench/README.md, section "Retention run".
"""

import argparse
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harness import percentile
from insights_data import DEFAULT_DATABASE, configure

DEFAULT_COPY = "infohus_bench_retention"
SEED = 20261209


def copy_database(source: str, copy: str) -> float:
    import psycopg

    parts = urlsplit(source)
    name = parts.path.lstrip("/")
    started = time.perf_counter()
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return time.perf_counter() - started


def drop_database(source: str, copy: str) -> None:
    import psycopg

    parts = urlsplit(source)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def add_expired(records: int, held: int) -> dict[str, Any]:
    """The expired concerns and their people, written with COPY; returns their id ranges."""
    import random

    from desk import Writer
    from django.db.models import Max

    from infohus.accounts.models import Organisation, User
    from infohus.cases.models import Concern, LocalAssessment, Person, TriageDecision
    from infohus.privacy.models import LegalHold

    rng = random.Random(SEED)
    w = Writer()
    total = records + held
    first_person = (Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    first_concern = (Concern.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    first_decision = (TriageDecision.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    towns = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
                 .values_list("pk", "info_house_id"))
    staff = list(User.objects.filter(username__startswith="bench-worker-").values_list("pk", flat=True))
    coordinator = User.objects.get(username="ida").pk
    # From about 11 years and 3 months to 12 years ago: past the 132-month rule, clocks included.
    days = [rng.uniform(4_110, 4_380) for _ in range(total)]
    town = [rng.choice(towns) for _ in range(total)]

    w.write(Person, ["id", "first_name", "last_name", "birth_date", "gender", "municipality_id", "search_name",
                     "version", "created_at", "updated_at"],
            ((first_person + i, "Old", "Record", w.now.date() - timedelta(days=days[i] + 6000), "male", town[i][0],
              "old record", 1, w.ts(days[i] * 86400), w.ts(days[i] * 86400)) for i in range(total)), total)
    w.write(Concern, ["id", "reference", "status", "channel", "reporter_organisation_id", "info_house_id", "observed",
                      "observed_on", "observed_where", "worries", "extremism", "person_id", "received_at", "version"],
            ((first_concern + i, f"OLD-{first_concern + i:09d}", "decided" if i % 2 == 0 else "no_concern", "form",
              town[i][0], town[i][1], "Seen with a group at the station.", w.now.date() - timedelta(days=days[i] + 3),
              "Station", "Talk of violence.", "right_wing", first_person + i, w.ts(days[i] * 86400), 1)
             for i in range(total)), total)
    w.write(TriageDecision, ["id", "concern_id", "kind", "reason", "decided_on", "decided_by_id"],
            ((first_decision + i // 2, first_concern + i, "no_further_action", "No further action.",
              w.now.date() - timedelta(days=days[i] - 10), coordinator) for i in range(0, total, 2)),
            (total + 1) // 2)
    w.write(LocalAssessment, ["concern_id", "participants", "conclusion", "decision", "assessed_by_id", "assessed_at"],
            ((first_concern + i, "Teacher and school social worker", "No concern after talking to him.", "no_concern",
              rng.choice(staff), w.ts((days[i] - 5) * 86400)) for i in range(1, total, 2)), total // 2)
    dina = User.objects.get(username="dina")
    # The held ones are the last `held` people: spread over both kinds of concern.
    LegalHold.objects.bulk_create([LegalHold(person_id=first_person + records + i, reason="Complaint under review.",
                                             placed_by=dina) for i in range(held)])
    w.finish()  # sequences, VACUUM ANALYZE
    return {"people": (first_person, first_person + total - 1), "concerns": (first_concern, first_concern + total - 1),
            "held_people": (first_person + records, first_person + total - 1)}


def set_rules() -> None:
    from infohus.privacy import retention as kinds
    from infohus.privacy.models import RetentionRule

    for key in (kinds.CONCERN, kinds.CASE, kinds.ENROLMENT):
        RetentionRule.objects.update_or_create(kind=key, defaults={"months": 132})


class TimedTransactions:
    """Stands in for django.db.transaction in the retention module: times every outermost
    atomic block, commit included."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.durations: list[float] = []
        self.depth = 0
        self.statements: dict[str, list[float]] = {}  # the start of each statement: its durations

    def capture(self, queries: list[dict[str, str]]) -> None:
        for query in queries:
            key = " ".join(query["sql"].split()[:8])[:90]
            self.statements.setdefault(key, []).append(float(query["time"]))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    @contextmanager
    def atomic(self, *args: Any, **kwargs: Any) -> Iterator[None]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.depth += 1
        started = time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as queries, self.real.atomic(*args, **kwargs):
                yield
        finally:
            self.depth -= 1
        self.capture(queries.captured_queries)
        if self.depth == 0:
            self.durations.append(time.perf_counter() - started)


class ActivitySampler(threading.Thread):
    """Polls pg_stat_activity and pg_locks for one backend from a connection of its own."""

    def __init__(self, url: str, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.url, self.pid, self.interval = url, pid, interval
        self.stop = threading.Event()
        self.longest_transaction = 0.0
        self.longest_write_transaction = 0.0
        self.most_locks = 0
        self.waiting_samples = 0
        self.samples = 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT extract(epoch FROM clock_timestamp() - xact_start), wait_event_type, "
                    "backend_xid IS NOT NULL, (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid) "
                    "FROM pg_stat_activity a WHERE pid = %s", [self.pid]).fetchone()
                self.samples += 1
                if row and row[0] is not None:
                    age = float(row[0])
                    self.longest_transaction = max(self.longest_transaction, age)
                    if row[2]:  # it has written (holds a transaction id, so row locks)
                        self.longest_write_transaction = max(self.longest_write_transaction, age)
                    self.waiting_samples += row[1] == "Lock"
                    self.most_locks = max(self.most_locks, int(row[3]))
                time.sleep(self.interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=DEFAULT_DATABASE, help="the filled database (default %(default)s)")
    parser.add_argument("--copy", default=DEFAULT_COPY, help="name of the copy to run on (dropped first)")
    parser.add_argument("--records", type=int, default=100_000, help="expired concerns to erase")
    parser.add_argument("--held", type=int, default=1_000, help="expired concerns about people on a legal hold")
    parser.add_argument("--batch-size", type=int, help="ids per transaction (default: the service's)")
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    args = parser.parse_args()

    seconds = copy_database(args.source, args.copy)
    url = urlunsplit(urlsplit(args.source)._replace(path=f"/{args.copy}"))
    print(f"copied {args.source} to {args.copy} in {seconds:.0f} s")
    configure(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from infohus.cases.models import Case, Concern, Person
    from infohus.privacy import retention as kinds
    from infohus.privacy.services import retention as service

    call_command("migrate", verbosity=0)
    people_before = Person.objects.filter(anonymised_at__isnull=False).count()
    concerns_before = Concern.objects.filter(anonymised_at__isnull=False).count()
    started = time.perf_counter()
    made = add_expired(args.records, args.held)
    set_rules()
    print(f"added {args.records:,} expired concerns and their people (+{args.held:,} on hold) "
          f"in {time.perf_counter() - started:.0f} s; {Person.objects.count():,} people, "
          f"{Concern.objects.count():,} concerns, {Case.objects.count():,} cases")
    batch = {"batch_size": args.batch_size} if args.batch_size else {}

    started = time.perf_counter()
    dry = service.run_retention(dry_run=True, **batch)
    dry_seconds = time.perf_counter() - started
    print(f"dry run: {dry_seconds:.1f} s, would erase {dry.counts}, held back {dry.held}")
    assert dry.counts[kinds.CONCERN] == args.records, dry.counts

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    sampler = ActivitySampler(url, pid)
    timed = TimedTransactions(service.transaction)
    service.transaction = timed  # type: ignore[attr-defined]
    sampler.start()
    started = time.perf_counter()
    run = service.run_retention(now=timezone.now(), **batch)
    total = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    service.transaction = timed.real  # type: ignore[attr-defined]
    assert run.status == "done", run.error

    erased = sum(run.counts.values())
    durations = sorted(timed.durations)
    print(f"\nrun {run.pk}: {run.status}, erased {run.counts}, held back {run.held}")
    print(f"  total {total:.1f} s; {erased:,} records ({run.counts[kinds.CONCERN]:,} concerns, "
          f"{run.counts[kinds.PERSON]:,} people) = {erased / total:,.0f} records/s")
    print(f"  {len(durations)} transactions of up to {args.batch_size or service.BATCH_SIZE} ids: longest "
          f"{durations[-1] * 1000:.0f} ms, median {statistics.median(durations) * 1000:.0f} ms, "
          f"p95 {percentile(durations, 0.95) * 1000:.0f} ms; {sum(durations):.1f} s in transactions, "
          f"{total - sum(durations):.1f} s outside (finding what expired)")
    print(f"  pg_stat_activity, {sampler.samples:,} samples: longest open transaction "
          f"{sampler.longest_transaction * 1000:.0f} ms (a read outside the batches included), longest holding "
          f"row locks {sampler.longest_write_transaction * 1000:.0f} ms, most locks held {sampler.most_locks}, "
          f"samples waiting for a lock {sampler.waiting_samples}")

    print("  where the time in transactions went (statement: count, total s, longest ms):")
    for key, times in sorted(timed.statements.items(), key=lambda item: -sum(item[1]))[:8]:
        print(f"    {key:<90} {len(times):>5} {sum(times):>7.1f} {max(times) * 1000:>7.0f}")

    # The outcome: exactly the expired records went, nothing else.
    low, _high = made["concerns"]
    held_low, held_high = made["held_people"]
    gone = Concern.objects.filter(anonymised_at__isnull=False).count() - concerns_before
    assert gone == args.records, gone
    assert Concern.objects.filter(pk__lt=low, anonymised_at__isnull=False).count() == concerns_before
    held_concerns = Concern.objects.filter(person_id__gte=held_low, person_id__lte=held_high)
    assert held_concerns.filter(anonymised_at__isnull=True).count() == args.held
    assert Person.objects.filter(anonymised_at__isnull=False).count() - people_before == args.records
    assert not Person.objects.filter(pk__range=(held_low, held_high), anonymised_at__isnull=False).exists()
    print(f"  checked: {args.records:,} concerns and {args.records:,} people anonymised, the {args.held:,} held and "
          f"the rest of the dataset untouched")
    connection.close()
    if not args.keep:
        drop_database(args.source, args.copy)


if __name__ == "__main__":
    main()
