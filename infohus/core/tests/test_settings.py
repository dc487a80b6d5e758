"""Settings come from the environment through readers that fail loudly, naming the variable;
production settings pass `check --deploy` and refuse to start without what they need."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from infohus.env import env_bool, env_choice, env_database, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]
SECRET = "k3Y-" + "aZ9q" * 14  # 60 characters, more than five different ones


# --- the readers -------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                               ("0", False), ("false", False), ("no", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("INFOHUS_TEST_FLAG", raw)

    assert env_bool("INFOHUS_TEST_FLAG", not expected) is expected


def test_env_bool_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFOHUS_TEST_FLAG", raising=False)

    assert env_bool("INFOHUS_TEST_FLAG", True) is True


def test_env_bool_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_TEST_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match=r"^INFOHUS_TEST_FLAG must be true or false, not 'maybe'$"):
        env_bool("INFOHUS_TEST_FLAG", False)


def test_env_int_reads_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_TEST_NUMBER", "42")

    assert env_int("INFOHUS_TEST_NUMBER", 1) == 42


def test_env_int_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_TEST_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured, match=r"^INFOHUS_TEST_NUMBER must be a whole number, not 'ten'$"):
        env_int("INFOHUS_TEST_NUMBER", 1)


def test_env_int_below_the_minimum_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_TEST_NUMBER", "0")

    with pytest.raises(ImproperlyConfigured, match=r"^INFOHUS_TEST_NUMBER must be at least 1, not 0$"):
        env_int("INFOHUS_TEST_NUMBER", 5, minimum=1)


def test_env_str_required_and_missing_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFOHUS_TEST_TEXT", raising=False)

    with pytest.raises(ImproperlyConfigured, match=r"^INFOHUS_TEST_TEXT must be set"):
        env_str("INFOHUS_TEST_TEXT")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_TEST_LIST", " a.example, ,b.example,")

    assert env_list("INFOHUS_TEST_LIST", []) == ["a.example", "b.example"]


def test_env_choice_bad_value_names_the_variable_and_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOHUS_ENV", "staging")

    expected = r"^INFOHUS_ENV must be one of development, production, not 'staging'$"
    with pytest.raises(ImproperlyConfigured, match=expected):
        env_choice("INFOHUS_ENV", "development", ("development", "production"))


def test_database_defaults_to_sqlite_in_wal_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]  # type: ignore[index]


def test_database_url_for_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://infohus:secret@db.example:5433/infohus")

    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("infohus", "db.example", 5433)
    assert (config["USER"], config["PASSWORD"]) == ("infohus", "secret")


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://x", r"^DATABASE_URL must start with postgres://, postgresql:// or sqlite://, not mysql://$"),
    ("db.example/infohus", r"^DATABASE_URL must start with .*, not nothing://$"),
    ("postgres://host", r"^DATABASE_URL names no database"),
    ("postgres://host/", r"^DATABASE_URL names no database"),
])
def test_malformed_database_url_names_the_variable(monkeypatch: pytest.MonkeyPatch, url: str, message: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    with pytest.raises(ImproperlyConfigured, match=message):
        env_database("DATABASE_URL", "/tmp/x.sqlite3")


# --- start-up in a fresh process ---------------------------------------------------------

def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"INFOHUS_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120, check=False)


PRODUCTION = {"INFOHUS_ENV": "production", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "infohus.example",
              "REDIS_URL": "redis://127.0.0.1:6379/0",
              "FIELD_ENCRYPTION_KEY": "f" * 40}


def test_check_deploy_is_silent_in_production() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("missing_or_wrong", "named"), [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ({"DEBUG": "true"}, "DEBUG"),
    ({"DEBUG": "perhaps"}, "DEBUG"),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    ({"SESSION_IDLE_MINUTES": "half an hour"}, "SESSION_IDLE_MINUTES"),
    ({"REDIS_URL": None}, "REDIS_URL"),
], ids=["no-secret", "short-secret", "no-hosts", "debug-on", "debug-garbled", "mysql", "idle-garbled", "no-redis"])
def test_production_start_up_fails_with_one_line_naming_the_variable(
    missing_or_wrong: dict[str, str | None], named: str
) -> None:
    env = {**PRODUCTION, **{k: v for k, v in missing_or_wrong.items() if v is not None}}
    for key, value in missing_or_wrong.items():
        if value is None:
            del env[key]

    result = _run(["manage.py", "check"], **env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Infohus is not configured correctly: ")
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_production_hashes_passwords_with_argon2() -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"

    result = _run(["-c", code], DJANGO_SETTINGS_MODULE="infohus.settings", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_cookies_and_hsts() -> None:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
            "s.SESSION_COOKIE_NAME, s.DEBUG)")

    result = _run(["-c", code], DJANGO_SETTINGS_MODULE="infohus.settings", **PRODUCTION)

    assert result.stdout.split() == ["True", "True", "True", "__Host-sessionid", "False"], result.stderr
