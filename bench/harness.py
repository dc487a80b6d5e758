"""What the page benchmarks share: signing in through the real pages, a percentile, a scratch
PostgreSQL database, and running the measurement once per database in a process of its own.

Imported by the scripts beside it (run as `python bench/<script>.py`, so this folder is on
sys.path). Not part of the test suite."""

import argparse
import os
import subprocess
import sys
import tempfile
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def signed_in(username: str) -> Any:
    """A test client signed in through the real pages: password, then the current TOTP code."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from infohus.accounts.models import User
    from infohus.accounts.people import DEMO_PASSWORD

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")  # markers are looked for in English
    response = client.post(reverse("accounts:sign_in"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code may be used once
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 302, response.content[:500]
    return client


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def add_database_arguments(parser: argparse.ArgumentParser, postgres_name: str) -> None:
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (after 2 warm-up)")
    parser.add_argument("--postgres-name", default=postgres_name,
                        help="scratch database on DATABASE_URL's server (dropped and created again)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database only")
    parser.add_argument("--child", help=argparse.SUPPRESS)


def run_each_database(parser: argparse.ArgumentParser, args: argparse.Namespace, script: str, prefix: str,
                      child_args: list[str]) -> None:
    """SQLite in a temporary folder, then PostgreSQL in a scratch database on DATABASE_URL's server
    (when it is a PostgreSQL URL); each in a process of its own, since Django is set up once per
    process. The child gets `--child <database URL>` and child_args."""
    targets = []
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        if args.only != "postgres":
            targets.append(f"sqlite:///{folder}/bench.sqlite3")
        url = os.environ.get("DATABASE_URL", "")
        if args.only != "sqlite" and url.startswith(("postgres://", "postgresql://")):
            scratch = urlunsplit(urlsplit(url)._replace(path=f"/{args.postgres_name}"))
            recreate_postgres(scratch)
            targets.append(scratch)
        elif args.only == "postgres":
            parser.error("--only postgres needs DATABASE_URL=postgres://…")
        for target in targets:
            subprocess.run([sys.executable, script, "--child", target, *child_args], check=True)
