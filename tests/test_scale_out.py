"""Two application processes and one worker against one PostgreSQL, as docs/deployment.md runs them.

The test starts two gunicorn servers (`infohus.wsgi:application`, one port each, as two machines
behind the reverse proxy) and one `manage.py db_worker` against the test database, with
`TASKS_BACKEND=database` and the same secrets, and shows that

- a change made through one process is seen through the other (and a stale edit from the other
  is refused, so no process keeps its own copy of what it read);
- a session begun on one process is valid on the other, half-way through the sign-in too, and
  signing out on one ends it on both;
- a task queued through one process (the data protection officer's "Start a retention run now")
  or by the daily timer's command is done by the worker.

It runs twice: with the sessions' cache in Redis (a database number of its own on the machine's
Redis; skipped when none answers) and without a shared cache, where sessions are read from the
database. The data is committed (transactional_db), so that the processes see it. On SQLite these
tests are skipped: several processes on several machines need PostgreSQL.

The sample configuration in deploy/ is checked here too (on any database): the environment file
names every variable the settings read and starts production settings once its keys are filled
in, and gunicorn's settings load and keep query strings out of the access log.
"""

import functools
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connections
from django.tasks import TaskResultStatus
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_tasks_db.models import DBTaskResult

from infohus.accounts.demo import demo_totp_key
from infohus.accounts.models import User
from infohus.accounts.people import DEMO_PASSWORD
from infohus.privacy.models import RetentionRule, RetentionRun

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the two-process test runs on PostgreSQL only (DATABASE_URL=postgres://…): several application "
           "processes and a worker on several machines share one PostgreSQL, never one SQLite file",
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/12"  # a database number of its own, apart from development's 0
WORKER_ID = "scale-out-test-worker"
START_TIMEOUT = 60  # seconds for a process to answer; generous, since the machine may be busy
TASK_TIMEOUT = 90  # seconds for the worker to pick up and finish a task
FINISHED = {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}
T = TypeVar("T")


# --- the processes ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or HOST, parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def url_of_the_test_database() -> str:
    """The URL of the test database that pytest-django made, for the other processes."""
    config = connections["default"].settings_dict
    user = quote(config["USER"] or "", safe="")
    password = quote(config["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{credentials}{config['HOST']}{port}/{config['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()  # gunicorn and the worker finish what they are doing, then exit
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


class Cluster:
    """Two application processes (a and b) and a worker, started with one environment."""

    def __init__(self, folder: Path, *, redis_url: str) -> None:
        self.folder = folder
        self.a, self.b = free_port(), free_port()
        self.processes: list[Process] = []
        environment = {key: value for key, value in os.environ.items()
                       if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        if redis_url:
            environment["REDIS_URL"] = redis_url
        media = folder / "media"  # the shared storage every node mounts at MEDIA_ROOT
        media.mkdir()
        environment.update(
            DJANGO_SETTINGS_MODULE="infohus.settings",
            DATABASE_URL=url_of_the_test_database(),
            TASKS_BACKEND="database",
            INFOHUS_ENV="development",
            DEBUG="false",
            # Every node must have the same secrets: sessions are checked against SECRET_KEY.
            SECRET_KEY=secrets.token_urlsafe(48),
            FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEY,
            MEDIA_ROOT=str(media),
            LOG_LEVEL="INFO",
        )
        self.environment = environment

    def _start(self, name: str, command: list[str]) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(command, cwd=ROOT, env=self.environment, stdout=output,
                                     stderr=subprocess.STDOUT)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def start(self) -> None:
        gunicorn = str(BIN / "gunicorn")
        for name, port in (("a", self.a), ("b", self.b)):
            self._start(f"web-{name}", [
                gunicorn, "infohus.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", "1",
                "--access-logfile", "-", "--error-logfile", "-", "--graceful-timeout", "10",
                "--no-control-socket"])  # gunicorn 27's control socket is one path per user, not per server
        self._start("worker", [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                               "--interval", "0.5", "--worker-id", WORKER_ID])
        for port in (self.a, self.b):
            self.wait_for(f"the process on port {port} to answer /healthz", lambda port=port: self._healthy(port),
                          timeout=START_TIMEOUT)
        self.wait_for("the worker to start", lambda: "Starting worker" in self.log_of("worker"),
                      timeout=START_TIMEOUT)

    def _healthy(self, port: int) -> bool:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False

    def log_of(self, name: str) -> str:
        return next(p.log.read_text(errors="replace") for p in self.processes if p.name == name)

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} (exit code {p.popen.poll()}) -----\n{self.log_of(p.name)[-6000:]}"
                         for p in self.processes)

    def wait_for(self, what: str, check: Callable[[], T], *, timeout: float = TASK_TIMEOUT) -> T:
        """Polls `check` until it gives something true; fails with the processes' logs when a
        process has exited or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            exited = [p.name for p in self.processes if p.popen.poll() is not None]
            if exited:
                pytest.fail(f"waiting for {what}: {', '.join(exited)} exited\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"waiting for {what}: not within {timeout} s\n{self.logs()}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


def _wait_until_only_we_are_connected(timeout: float = 15) -> None:
    # A stopped process's database session ends a moment after the process does; the test
    # database cannot be dropped at the end of the run while one is still there.
    connection = connections["default"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            (others,) = cursor.fetchone()
        if not others:
            return
        time.sleep(0.2)


@pytest.fixture(scope="module", params=["redis", "database"], ids=["sessions-in-redis", "sessions-in-database"])
def cluster(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if request.param == "redis" and not redis_answers(REDIS_URL):
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    started = Cluster(tmp_path_factory.mktemp(f"scale-out-{request.param}"),
                      redis_url=REDIS_URL if request.param == "redis" else "")
    try:
        started.start()
        yield started
    finally:
        started.stop()
        with django_db_blocker.unblock():
            _wait_until_only_we_are_connected()


def logs_on_failure(test: Callable[..., None]) -> Callable[..., None]:
    """Prints the processes' logs when the test fails (pytest shows them with the failure)."""

    @functools.wraps(test)
    def run(*args: Any, cluster: Cluster, **kwargs: Any) -> None:
        try:
            test(*args, cluster=cluster, **kwargs)
        except Exception:
            print(cluster.logs())
            raise

    return run


# --- a browser behind the reverse proxy ------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    text: str


class Browser:
    """One person's browser: one cookie jar, whichever process a request lands on (as the reverse
    proxy may send each request to another node); redirects are not followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Accept-Language": "en", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, response.getheader("Location") or "", text)

    def get(self, port: int, path: str) -> Answer:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict[str, str], *, token_from: str) -> Answer:
        """Posts the form with the CSRF token of the page at `token_from` (fetched from the same process)."""
        page = self.get(port, token_from)
        assert page.status == 200, (page.status, page.location)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match is not None, f"no CSRF token on {token_from}"
        return self.request(port, "POST", path, {"csrfmiddlewaretoken": match.group(1), **form})

    def signed_in_as(self, port: int) -> str:
        """The name in the page header of the start page, or "" when the start page is not shown."""
        page = self.get(port, "/desk/")
        match = re.search(r'data-testid="signed-in-as">\s*<strong>([^<]*)</strong>', page.text)
        return match.group(1) if page.status == 200 and match else ""


def code_now(username: str) -> str:
    """What the person's authenticator app shows now (the demo people's keys are fixed)."""
    return f"{totp(bytes.fromhex(demo_totp_key(username))):06d}"


def sign_in(browser: Browser, username: str, *, password_on: int, code_on: int) -> None:
    answer = browser.post(password_on, "/accounts/sign-in/", {"username": username, "password": DEMO_PASSWORD},
                          token_from="/accounts/sign-in/")
    assert answer.status == 302 and "second-factor" in answer.location, (answer.status, answer.location)
    second_factor = urlsplit(answer.location).path
    answer = browser.post(code_on, second_factor, {"code": code_now(username)}, token_from=second_factor)
    assert answer.status == 302 and "second-factor" not in answer.location, (answer.status, answer.location)


@pytest.fixture
def dina(transactional_db: None, people: dict[str, User]) -> User:
    """dina, the data protection officer, with her password hashed as production hashes it (the
    tests' own fast hasher is not one the processes accept)."""
    hasher = Argon2PasswordHasher()
    User.objects.filter(pk=people["dina"].pk).update(password=hasher.encode(DEMO_PASSWORD, hasher.salt()))
    return people["dina"]


# --- the tests ---------------------------------------------------------------------------------------------

@postgres_only
@logs_on_failure
def test_a_session_begun_on_one_process_is_valid_on_the_other(cluster: Cluster, dina: User) -> None:
    browser = Browser()

    # The password on a, the code on b: the half-finished sign-in is in the shared session too.
    sign_in(browser, "dina", password_on=cluster.a, code_on=cluster.b)

    assert browser.signed_in_as(cluster.a) == "Dina Mortensen"
    assert browser.signed_in_as(cluster.b) == "Dina Mortensen"

    answer = browser.post(cluster.b, "/accounts/sign-out/", {}, token_from="/desk/")
    assert answer.status == 302

    assert browser.signed_in_as(cluster.a) == ""
    assert browser.signed_in_as(cluster.b) == ""


@postgres_only
@logs_on_failure
def test_a_change_made_through_one_process_is_seen_through_the_other(cluster: Cluster, dina: User) -> None:
    browser = Browser()
    sign_in(browser, "dina", password_on=cluster.a, code_on=cluster.a)
    edit = reverse("privacy:retention_rule_edit", args=["concern_closed"])
    opened_on_b = browser.get(cluster.b, edit)  # b shows the form with the version it read: 0, the default
    assert re.search(r'name="version"[^>]* value="0"', opened_on_b.text)

    answer = browser.post(cluster.a, edit, {"months": "30", "version": "0"}, token_from=edit)

    assert answer.status == 302, answer.text[:2000]
    rules_on_b = browser.get(cluster.b, reverse("privacy:retention_rules"))
    row = re.search(r'<tr data-kind="concern_closed">.*?</tr>', rules_on_b.text, re.S)
    assert row is not None
    assert re.search(r'data-testid="months">30 months</td>', row.group(0))
    # The form b showed before the change is now stale: saving it on b is refused, not overwriting a's change.
    stale = browser.post(cluster.b, edit, {"months": "36", "version": "0"}, token_from=edit)
    assert stale.status == 409
    assert RetentionRule.objects.get(kind="concern_closed").months == 30


def wait_for_retention_run(cluster: Cluster, task: Callable[[], DBTaskResult | None]) -> RetentionRun:
    """Waits until the worker has finished the queued task; the retention run it made."""

    def finished() -> DBTaskResult | None:
        found = task()
        return found if found is not None and found.status in FINISHED else None

    done = cluster.wait_for("the worker to finish the retention task", finished)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    assert done.worker_ids == [WORKER_ID]  # run by the worker, not in the process that queued it
    run = RetentionRun.objects.get(dry_run=False)  # the only run: the database is emptied after each test
    assert run.status == RetentionRun.Status.DONE
    assert run.finished_at is not None
    return run


def run_as_listed(browser: Browser, port: int, run: RetentionRun) -> tuple[str, str]:
    """The kind and status of the run on the list of runs that the process at `port` shows."""
    page = browser.get(port, reverse("privacy:retention_runs"))
    row = re.search(rf'<tr data-run="{run.pk}">.*?</tr>', page.text, re.S)
    assert row is not None, page.text[:3000]
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    return cells[0], cells[-1]


@postgres_only
@logs_on_failure
def test_a_task_queued_through_one_process_is_done_by_the_worker(cluster: Cluster, dina: User) -> None:
    try:
        run_now = reverse("privacy:retention_run_now")
    except NoReverseMatch:
        pytest.skip("the DPO's 'Start a retention run now' (privacy:retention_run_now) is not in the tree yet")
    runs = reverse("privacy:retention_runs")
    browser = Browser()
    sign_in(browser, "dina", password_on=cluster.a, code_on=cluster.a)

    answer = browser.post(cluster.a, run_now, {}, token_from=runs)

    assert answer.status in {302, 303}, answer.text[:2000]
    run = wait_for_retention_run(cluster, lambda: DBTaskResult.objects.first())  # the only task of the test
    assert run_as_listed(browser, cluster.b, run) == ("Erasure", "Done")


@postgres_only
@logs_on_failure
def test_a_task_queued_by_the_daily_timer_is_done_by_the_worker(cluster: Cluster, dina: User) -> None:
    # What the systemd timer runs (deploy/infohus-retention.service), from a third process.
    queued = subprocess.run([sys.executable, "manage.py", "run_retention"], cwd=ROOT, env=cluster.environment,
                            capture_output=True, text=True, timeout=120)

    assert queued.returncode == 0, queued.stderr
    found = re.search(r"queued as task ([0-9a-f-]{36})", queued.stdout)
    assert found is not None, queued.stdout
    run = wait_for_retention_run(cluster, lambda: DBTaskResult.objects.filter(pk=found.group(1)).first())
    browser = Browser()
    sign_in(browser, "dina", password_on=cluster.b, code_on=cluster.b)
    assert run_as_listed(browser, cluster.b, run) == ("Erasure", "Done")


# --- the sample configuration (deploy/) -------------------------------------------------------------------

SAMPLE_ENVIRONMENT = ROOT / "deploy" / "infohus.env"


def sample_environment() -> dict[str, str]:
    """deploy/infohus.env as systemd reads it: KEY=value lines, comments left out, quotes removed."""
    values = {}
    for line in SAMPLE_ENVIRONMENT.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return values


def run_manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    own = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**own, **environment},
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_sample_environment_names_every_variable_the_settings_read() -> None:
    read = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', (ROOT / "infohus" / "settings.py").read_text()))
    # Commented-out lines count: they show an optional variable and its form.
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", SAMPLE_ENVIRONMENT.read_text(), re.M))

    assert len(read) > 30  # the pattern still finds the settings' readers
    assert read - named == set()
    assert "DATABASE_REPLICA_URL" in named


def test_production_starts_with_the_sample_environment_once_its_keys_are_filled_in() -> None:
    environment = {**sample_environment(), "SECRET_KEY": secrets.token_urlsafe(64),
                   "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48)}

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("filled_in", "named"), [
    ("SECRET_KEY", "FIELD_ENCRYPTION_KEY must be at least 32 random characters in production"),
    ("FIELD_ENCRYPTION_KEY", "SECRET_KEY must be at least 50 random characters in production"),
])
def test_production_refuses_the_sample_environment_while_a_key_is_empty(filled_in: str, named: str) -> None:
    result = run_manage("check", environment={**sample_environment(), filled_in: secrets.token_urlsafe(64)})

    assert result.returncode != 0
    assert named in result.stderr


def test_gunicorn_loads_the_sample_settings_and_logs_no_query_strings() -> None:
    result = subprocess.run([str(BIN / "gunicorn"), "--print-config", "--config", "deploy/gunicorn.conf.py",
                             "infohus.wsgi:application"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)

    assert result.returncode == 0, result.stderr
    printed = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.M))
    assert printed["worker_class"] == "sync"
    assert printed["timeout"] == "60"
    # %(r)s is the request line with its query string, %(q)s the query string alone.
    assert "%(U)s" in printed["access_log_format"]
    assert "%(r)s" not in printed["access_log_format"]
    assert "%(q)s" not in printed["access_log_format"]
