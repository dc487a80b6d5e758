"""Benchmark: the signed-in start page (/desk/) and /healthz under concurrent load, against a
bare Django view served the same way.

Both applications run under gunicorn on loopback with the same number of sync workers. Infohus
runs against a throw-away SQLite database (migrated and loaded with the demo in a temporary
directory); one demo person signs in through the real pages (password, then the TOTP code);
then concurrent clients request each target for a fixed time. Prints requests per second,
median and 95th-percentile latency, and the ratio to the bare view.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/start_page.py [--workers 2] [--concurrency 16] [--duration 10]

Not part of `make test`. See bench/README.md.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def infohus_env(database_url: str, redis_url: str, settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        INFOHUS_ENV="development",
        DEBUG="false",  # no debug bookkeeping: closer to production
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    )
    return env


def start_gunicorn(app: str, port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        sys.exit(f"{gunicorn} is missing: install it with `{BIN / 'pip'} install -e '.[bench]'`")
    command = [
        str(gunicorn), app, "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--log-level", "warning", "--error-logfile", str(log),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def wait_until_ready(port: int, path: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn on port {port} exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn on port {port} did not answer {path} within 30 s:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Signing in through the real pages --------------------------------------------------------


class Browser:
    """Just enough of a browser: one cookie jar, one request at a time, no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie_header(), "Accept-Language": "en"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        connection.close()
        return response.status, response.getheader("Location") or "", text

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        sys.exit("no CSRF token on the page")
    return match.group(1)


def current_totp_code(username: str) -> str:
    """The code the person's authenticator app would show now, from the demo database."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(port: int, username: str, password: str) -> str:
    """Signs in with password and second factor; returns the Cookie header of the session."""
    browser = Browser(port)
    status, _, page = browser.request("GET", "/accounts/sign-in/")
    assert status == 200, status
    status, location, page = browser.request(
        "POST", "/accounts/sign-in/",
        {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": password},
    )
    if status != 302 or "second-factor" not in location:
        sys.exit(f"signing in as {username} failed: {status} {location}\n{page[:2000]}")
    second_factor = urlsplit(location).path
    status, _, page = browser.request("GET", second_factor)
    status, location, page = browser.request(
        "POST", second_factor, {"csrfmiddlewaretoken": csrf_token(page), "code": current_totp_code(username)}
    )
    if status != 302:
        sys.exit(f"the second factor for {username} failed: {status}\n{page[:2000]}")
    return browser.cookie_header()


def check_session(port: int, cookie: str, workers: int) -> None:
    """Every worker must see the signed-in session. With the in-process cache (no REDIS_URL),
    each gunicorn worker keeps its own copy of the cached session, and a worker that cached it
    before the second factor was passed keeps sending the person back to the code page."""
    statuses = []
    for _ in range(max(10, 5 * workers)):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        connection.request("GET", "/desk/", headers={"Cookie": cookie, "Accept-Language": "en"})
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        statuses.append(response.status if 'data-testid="signed-in-as"' in page else -response.status)
    if any(status != 200 for status in statuses):
        sys.exit(
            f"The signed-in start page answered {statuses} (negative: not signed in) across {workers} workers.\n"
            "The session is not the same in every worker: without REDIS_URL the session cache is per process.\n"
            "Run with --redis-url redis://127.0.0.1:6379/15 (or REDIS_URL set), or with --workers 1."
        )


# --- Load ----------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float]
    errors: int
    elapsed: float


def _client_thread(
    port: int, path: str, cookie: str, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    headers = {"Cookie": cookie, "Accept-Language": "en"} if cookie else {"Accept-Language": "en"}
    while time.monotonic() < deadline:
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


def _client_process(args: tuple[int, str, str, float, int]) -> tuple[list[float], int, float]:
    port, path, cookie, duration, threads = args
    start = time.monotonic()
    deadline = start + duration
    latencies: list[float] = []
    errors: list[int] = []
    workers = [
        threading.Thread(target=_client_thread, args=(port, path, cookie, deadline, latencies, errors))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, len(errors), time.monotonic() - start


def load(port: int, path: str, cookie: str, duration: float, concurrency: int, processes: int) -> Result:
    """`concurrency` clients (threads spread over `processes` processes, so that the client's
    own GIL does not cap the rate) request `path` for `duration` seconds."""
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_client_process, [(port, path, cookie, duration, n) for n in shares if n])
    return Result(
        latencies=[latency for part in parts for latency in part[0]],
        errors=sum(part[1] for part in parts),
        elapsed=max(part[2] for part in parts),
    )


def summary(result: Result) -> tuple[float, float, float]:
    """Requests per second, median and 95th-percentile latency in milliseconds."""
    if len(result.latencies) < 2:
        return 0.0, float("nan"), float("nan")
    rate = len(result.latencies) / result.elapsed
    median = statistics.median(result.latencies) * 1000
    p95 = statistics.quantiles(result.latencies, n=20)[18] * 1000
    return rate, median, p95


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=cores, help="gunicorn sync workers per server (default: cores)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default: 16)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per target (default: 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (default: 2)")
    parser.add_argument("--client-processes", type=int, default=min(cores, 16),
                        help="processes the clients are spread over (default: cores)")
    parser.add_argument("--user", default="ida", help="demo person who signs in (default: ida)")
    parser.add_argument("--settings", default="infohus.settings",
                        help="settings module for Infohus, to try a change (default: infohus.settings)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="cache for Infohus (default: $REDIS_URL, else the in-process cache)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="infohus-bench-"))
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = infohus_env(database_url, args.redis_url, args.settings)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        print(f"Throw-away database: {database_url}", flush=True)
        for command in (["migrate", "--no-input", "-v", "0"], ["demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        # This process reads the TOTP key from the same database.
        os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=args.settings, DEBUG="false")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

        infohus_port, bare_port = free_port(), free_port()
        infohus_log, bare_log = workdir / "infohus.log", workdir / "bare.log"
        servers.append(start_gunicorn("infohus.wsgi:application", infohus_port, args.workers, env, infohus_log))
        bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
        servers.append(start_gunicorn("bench.bare_app:application", bare_port, args.workers, bare_env, bare_log))
        wait_until_ready(infohus_port, "/healthz", servers[0], infohus_log)
        wait_until_ready(bare_port, "/", servers[1], bare_log)

        from infohus.accounts.people import DEMO_PASSWORD

        cookie = sign_in(infohus_port, args.user, DEMO_PASSWORD)
        check_session(infohus_port, cookie, args.workers)
        print(f"Signed in as {args.user} with password and TOTP code.", flush=True)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]

        targets = [
            ("bare Django view", bare_port, "/", ""),
            ("/healthz", infohus_port, "/healthz", ""),
            (f"/desk/ (signed in as {args.user})", infohus_port, "/desk/", cookie),
        ]
        print(
            f"{cores} cores; gunicorn {args.workers} sync workers per server; {args.concurrency} concurrent clients "
            f"in {args.client_processes} processes on the same machine; {args.duration:g} s per target "
            f"after {args.warmup:g} s warm-up.\nSQLite journal mode {journal_mode}; "
            f"cache {'Redis' if args.redis_url else 'in-process (per worker)'}.\n",
            flush=True,
        )
        rows = []
        for name, port, path, target_cookie in targets:
            if args.warmup > 0:
                load(port, path, target_cookie, args.warmup, args.concurrency, args.client_processes)
            result = load(port, path, target_cookie, args.duration, args.concurrency, args.client_processes)
            rows.append((name, result, *summary(result)))

        bare_rate, bare_median = rows[0][2], rows[0][3]
        print(f"{'target':34} {'requests':>9} {'errors':>7} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} "
              f"{'req/s vs bare':>14} {'median vs bare':>15}")
        for name, result, rate, median, p95 in rows:
            print(f"{name:34} {len(result.latencies):9d} {result.errors:7d} {rate:8.0f} {median:10.1f} {p95:8.1f} "
                  f"{rate / bare_rate:14.2f} {median / bare_median:14.1f}x")
        for log in (infohus_log, bare_log):
            text = log.read_text().strip() if log.exists() else ""
            if text:
                print(f"\n{log.name}:\n{text[-3000:]}")
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
