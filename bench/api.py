"""Benchmark: the desk's JSON API under concurrent load, against a bare Django view served the same
way, with one and with two application processes.

Fills a scratch PostgreSQL database (the demo people; carl, the case worker, on the team of
--cases cases with --notes notes each), issues carl an API token, and starts four gunicorn
servers on loopback, each an "application process" with --workers sync workers (default 1): two
of Infohus (`infohus.wsgi`) and two of the bare Django view (bench/bare_app.py). For each target
it measures one process (every request to the first server) and then two (the clients send their
requests to the two in turn, as the reverse proxy would): --concurrency clients for --warmup
seconds unmeasured, then --duration seconds measured, --rounds times. It prints requests per
second, median and 95th-percentile latency, and the ratios API / bare view and two processes /
one.

Targets: the bare view; GET /api/v1/me (the token alone: no audit row); GET /api/v1/cases (the
list, 25 a page, audited); GET /api/v1/cases/{id} (one case with its notes, audited; a different
case on every request). An endpoint that the served OpenAPI document does not have is left out and
named.

    .venv/bin/pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --postgres postgres://postgres@127.0.0.1:5432/infohus_apibench \\
        --duration 20 --concurrency 32

The scratch database (--postgres, or --postgres-name on DATABASE_URL's server; default
infohus_apibench) is dropped and created again. Not part of the test suite; see bench/README.md,
section "API under load, one and two processes".
"""

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from harness import recreate_postgres
from start_page import HOST, Result, free_port, infohus_env, stop, summary, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_NAME = "infohus_apibench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
NOTE = ("Met at the youth club; talked about school and the new friends online. Agreed to meet the "
        "family next week with the mentor. ")


# --- filling ---------------------------------------------------------------------------------------


def fill(cases: int, notes: int) -> tuple[str, list[int]]:
    """The demo people and carl's cases (rows made directly: the services are not what is measured);
    an API token of carl's with every scope. Returns the token and the cases' ids."""
    from django.db import transaction

    from infohus.accounts.demo import create_demo_accounts
    from infohus.accounts.permissions import memberships_of
    from infohus.api.scopes import Scope
    from infohus.api.services import issue_token
    from infohus.cases.models import Note
    from infohus.cases.tests.factories import make_case

    people = create_demo_accounts()
    carl, mads = people["carl"], people["mads"]
    with transaction.atomic():
        made = [make_case(lead=carl, team={mads: "general"}) for _ in range(cases)]
        Note.objects.bulk_create([Note(case=case, compartment="general", text=NOTE * 3, author=carl)
                                  for case in made for _ in range(notes)])
    membership = next(iter(memberships_of(carl)))
    issued = issue_token(membership=membership, name="benchmark", scopes=list(Scope.values), days=1, actor=carl)
    return issued.secret, [case.pk for case in made]


def count_queries(token: str, candidates: list[tuple[str, str, list[str]]]) -> dict[str, int]:
    """The SQL queries of one request to each target, in this process through Django's test client
    (the second request of each: the first warms up what is done once per process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    counted = {}
    for label, _template, paths in candidates:
        if client.get(paths[0]).status_code != 200:
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(paths[-1])
        counted[label] = len(captured.captured_queries)
    return counted


# --- servers ---------------------------------------------------------------------------------------


def start_server(app: str, port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        sys.exit(f"{gunicorn} is missing: install it with `{BIN / 'pip'} install -e '.[bench]'`")
    command = [str(gunicorn), app, "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
               "--log-level", "warning", "--error-logfile", str(log),
               # Several servers on one machine: gunicorn 27's control socket would be shared.
               "--no-control-socket"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def get(port: int, path: str, token: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- load ------------------------------------------------------------------------------------------


def _client_thread(ports: list[int], paths: list[str], token: str, deadline: float, start: int,
                   latencies: list[float], errors: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"} if token else {}
    n = start
    while time.monotonic() < deadline:
        # The next process in turn (as the proxy's round robin), and the next path after a full turn.
        port, path = ports[n % len(ports)], paths[(n // len(ports)) % len(paths)]
        n += 1
        started = time.perf_counter()
        try:
            # A new connection per request: gunicorn's sync workers close it after each answer.
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            ok = response.status == 200
        except OSError:
            ok = False
        if ok:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(1)


def _client_process(args: tuple[list[int], list[str], str, float, int, int]) -> tuple[list[float], int, float]:
    ports, paths, token, duration, threads, first = args
    began = time.monotonic()
    deadline = began + duration
    latencies: list[float] = []
    errors: list[int] = []
    workers = [threading.Thread(target=_client_thread,
                                args=(ports, paths, token, deadline, (first + i) * 7919, latencies, errors))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, len(errors), time.monotonic() - began


def load(ports: list[int], paths: list[str], token: str, duration: float, concurrency: int,
         processes: int) -> Result:
    """`concurrency` clients (threads spread over `processes` processes, so that the clients' own
    GIL does not cap the rate), each starting at another place in the paths."""
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    jobs, first = [], 0
    for share in shares:
        if share:
            jobs.append((ports, paths, token, duration, share, first))
            first += share
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(_client_process, jobs)
    return Result(latencies=[latency for part in parts for latency in part[0]],
                  errors=sum(part[1] for part in parts), elapsed=max(part[2] for part in parts))


# --- main ------------------------------------------------------------------------------------------


@dataclass
class Row:
    target: str
    processes: int
    result: Result
    rate: float
    median: float
    p95: float


def redis_answers(url: str) -> bool:
    import socket

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or HOST, parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def scratch_url(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    if args.postgres:
        return str(args.postgres)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("needs PostgreSQL: --postgres postgres://… or DATABASE_URL=postgres://… (its server is used)")
    return urlunsplit(urlsplit(url)._replace(path=f"/{args.postgres_name}"))


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="scratch database URL (dropped and created again)")
    parser.add_argument("--postgres-name", default=DEFAULT_POSTGRES_NAME,
                        help=f"scratch database on DATABASE_URL's server (default {DEFAULT_POSTGRES_NAME})")
    parser.add_argument("--cases", type=int, default=200, help="carl's cases (default 200)")
    parser.add_argument("--notes", type=int, default=10, help="notes on each case (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers per process (default 1)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per target (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every target this many times, one and two processes in turn (default 1)")
    parser.add_argument("--alone", type=float, default=5.0,
                        help="seconds of one client at a time, one process, per target (default 5; 0: none)")
    parser.add_argument("--client-processes", type=int, default=min(cores, 16),
                        help="processes the clients are spread over (default: cores)")
    parser.add_argument("--redis-url", default=None,
                        help=f"shared cache (default {DEFAULT_REDIS} when it answers, else the in-process cache)")
    args = parser.parse_args()

    database_url = scratch_url(args, parser)
    redis_url = args.redis_url if args.redis_url is not None else (
        DEFAULT_REDIS if redis_answers(DEFAULT_REDIS) else "")
    env = infohus_env(database_url, redis_url, "infohus.settings")
    env["API_RATE_PER_TOKEN"] = "10000000/m"  # the benchmark's one token would hit the limit at once
    workdir = Path(tempfile.mkdtemp(prefix="infohus-apibench-"))  # the servers' logs
    try:
        measure(args, env, database_url, redis_url, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(args: argparse.Namespace, env: dict[str, str], database_url: str, redis_url: str, workdir: Path) -> None:
    cores = os.cpu_count() or 1

    print(f"Scratch database {urlsplit(database_url).path.lstrip('/')}: migrating and filling…", flush=True)
    recreate_postgres(database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "INFOHUS_ENV", "DEBUG")})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    token, case_ids = fill(args.cases, args.notes)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    postgres_version = connection.pg_version // 10000

    candidates = [
        ("/api/v1/me", "/api/v1/me", ["/api/v1/me"]),
        ("/api/v1/cases (list, 25 a page)", "/api/v1/cases", ["/api/v1/cases?page_size=25"]),
        ("/api/v1/cases/{id} (one case)", "/api/v1/cases/{case_id}",
         [f"/api/v1/cases/{pk}" for pk in case_ids[:50]]),
    ]
    queries = count_queries(token, candidates)
    connection.close()
    load_before = os.getloadavg()
    servers: list[subprocess.Popen[bytes]] = []
    results: dict[tuple[str, int], list[Result]] = {}
    try:
        # Two of each, started once: "one process" sends every request to the first, "two
        # processes" to both in turn. The two measurements of a target follow each other, so that
        # the other work on the machine weighs on both alike.
        infohus_ports, bare_ports = [free_port(), free_port()], [free_port(), free_port()]
        bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
        for n, port in enumerate(infohus_ports):
            log = workdir / f"infohus-{n}.log"
            servers.append(start_server("infohus.wsgi:application", port, args.workers, env, log))
            wait_until_ready(port, "/healthz", servers[-1], log)
        for n, port in enumerate(bare_ports):
            log = workdir / f"bare-{n}.log"
            servers.append(start_server("bench.bare_app:application", port, args.workers, bare_env, log))
            wait_until_ready(port, "/", servers[-1], log)
        status, body = get(infohus_ports[0], "/api/v1/openapi.json", "")
        served = set(json.loads(body)["paths"]) if status == 200 else set()
        targets: list[tuple[str, list[int], list[str], str]] = [("bare Django view", bare_ports, ["/"], "")]
        for label, template, paths in candidates:
            if template not in served:
                print(f"Left out: {template} is not in the served OpenAPI document.", flush=True)
                continue
            for port in infohus_ports:
                status, body = get(port, paths[0], token)
                if status != 200:
                    sys.exit(f"{paths[0]} answered {status}: {body[:500]!r}")
            targets.append((label, infohus_ports, paths, token))
        # One client at a time, one process: the time a request takes without waiting for others.
        alone: dict[str, Result] = {}
        if args.alone > 0:
            for label, ports, paths, bearer in targets:
                load(ports[:1], paths, bearer, 1.0, 1, 1)
                alone[label] = load(ports[:1], paths, bearer, args.alone, 1, 1)
        for round_number in range(args.rounds):
            for label, ports, paths, bearer in targets:
                for processes in (1, 2):
                    chosen = ports[:processes]
                    if args.warmup > 0:
                        load(chosen, paths, bearer, args.warmup, args.concurrency, args.client_processes)
                    result = load(chosen, paths, bearer, args.duration, args.concurrency, args.client_processes)
                    results.setdefault((label, processes), []).append(result)
                    print(f"  round {round_number + 1}, {label}, {processes} process{'es' if processes > 1 else ''}: "
                          f"{summary(result)[0]:.0f} req/s", flush=True)
    finally:
        for server in servers:
            stop(server)

    rows = []
    for (label, processes), parts in results.items():
        pooled = Result(latencies=[latency for part in parts for latency in part.latencies],
                        errors=sum(part.errors for part in parts), elapsed=sum(part.elapsed for part in parts))
        rows.append(Row(label, processes, pooled, *summary(pooled)))
    rows.sort(key=lambda row: row.processes)  # stable: the targets' order within each
    print(f"\n{cores} cores, load average {load_before[0]:.1f} before the run; PostgreSQL {postgres_version}; "
          f"cache {'Redis' if redis_url else 'in-process (per worker)'}; gunicorn {args.workers} sync "
          f"worker{'s' if args.workers > 1 else ''} per process; {args.concurrency} concurrent clients in "
          f"{args.client_processes} processes on the same machine; {args.duration:g} s per target after "
          f"{args.warmup:g} s warm-up; {args.rounds} round{'s' if args.rounds > 1 else ''}; {args.cases} cases of "
          f"carl's with {args.notes} notes each.\n")
    bare = {row.processes: row for row in rows if row.target == "bare Django view"}
    one = {row.target: row for row in rows if row.processes == 1}
    print(f"{'target':34} {'procs':>5} {'requests':>9} {'errors':>7} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} "
          f"{'req/s vs bare':>14} {'median vs bare':>15} {'req/s two/one':>14}")
    for row in rows:
        base = bare[row.processes]
        scaling = f"{row.rate / one[row.target].rate:14.2f}" if row.processes == 2 else f"{'':14}"
        print(f"{row.target:34} {row.processes:5d} {len(row.result.latencies):9d} {row.result.errors:7d} "
              f"{row.rate:7.0f} {row.median:10.1f} {row.p95:8.1f} {row.rate / base.rate:14.2f} "
              f"{row.median / base.median:14.1f}x {scaling}")
    if alone:
        print(f"\nOne client at a time, one process ({args.alone:g} s each):\n"
              f"{'target':34} {'queries':>7} {'requests':>9} {'req/s':>7} {'median ms':>10} {'p95 ms':>8}")
        for label, result in alone.items():
            rate, median, p95 = summary(result)
            print(f"{label:34} {queries.get(label, '–'):>7} {len(result.latencies):9d} {rate:7.0f} {median:10.1f} "
                  f"{p95:8.1f}")
    for log in sorted(workdir.glob("*.log")):
        text = log.read_text().strip()
        if text:
            print(f"\n{log.name}:\n{text[-3000:]}")


if __name__ == "__main__":
    main()
