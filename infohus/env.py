"""Typed readers of the environment that fail loudly, naming the variable.

Every variable read here is documented in docs/configuration.md.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set (see docs/configuration.md)")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


_SQLITE_OPTIONS = {
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # that the audit chain is extended by one writer at a time.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def env_database(name: str, sqlite_path: str) -> dict[str, object]:
    """DATABASE_URL as a Django database; SQLite in WAL mode when it is unset."""
    import dj_database_url

    url = os.environ.get(name, "").strip()
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path, "OPTIONS": dict(_SQLITE_OPTIONS)}
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres://, postgresql:// or sqlite://, not {scheme or 'nothing'}://"
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"{name} could not be read: {error}") from None
    if scheme.startswith("postgres") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (add /<name> after the host)")
    if scheme == "sqlite":
        config["OPTIONS"] = dict(_SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = 0
    return config
