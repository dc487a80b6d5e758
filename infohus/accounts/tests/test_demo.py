"""`manage.py demo`: idempotent, one account per role, never in production."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code
from infohus.accounts.models import Membership, Organisation, User
from infohus.accounts.people import DEMO_PASSWORD, PEOPLE
from infohus.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (Organisation.objects.count(), User.objects.count(), Membership.objects.count(),
            TOTPDevice.objects.count())


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_is_idempotent() -> None:
    _demo()
    first = _counts()

    _demo()

    assert _counts() == first
    assert first[1] == len(PEOPLE)


def test_running_the_demo_again_keeps_a_changed_password() -> None:
    _demo()
    ida = User.objects.get(username="ida")
    ida.set_password("a password ida chose herself")
    ida.save()

    _demo()

    assert User.objects.get(username="ida").check_password("a password ida chose herself")


def test_every_role_has_a_demo_account() -> None:
    _demo()

    roles = set(Membership.objects.filter(user__email__endswith="@demo.infohus.invalid").values_list("role", flat=True))

    assert roles == {r.value for r in Role}


def test_every_demo_account_signs_in_with_the_printed_password() -> None:
    _demo()

    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.username


def test_demo_prints_every_account_and_the_password() -> None:
    output = _demo()

    for person in PEOPLE:
        assert f"  {person.username} " in output
    assert DEMO_PASSWORD in output
    assert "demo_code" in output


def test_demo_code_prints_the_current_code() -> None:
    _demo()
    ida = User.objects.get(username="ida")
    out = StringIO()

    before = current_code(ida)
    call_command("demo_code", "ida", stdout=out)
    after = current_code(ida)

    assert out.getvalue().strip() in {before, after}  # the 30-second step may turn in between


def test_demo_code_for_an_unknown_account_says_so() -> None:
    from django.core.management import CommandError

    _demo()

    with pytest.raises(CommandError, match="No demo account named 'nobody'"):
        call_command("demo_code", "nobody")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    skip = {"INFOHUS_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120, check=False)


PRODUCTION = {"INFOHUS_ENV": "production", "SECRET_KEY": "k3Y-" + "aZ9q" * 14, "ALLOWED_HOSTS": "infohus.example",
              "REDIS_URL": "redis://127.0.0.1:6379/0",
              "FIELD_ENCRYPTION_KEY": "f" * 40}


@pytest.mark.parametrize("command", [["demo"], ["demo_code", "ida"]])
def test_demo_commands_refuse_in_production(command: list[str]) -> None:
    result = _run(*command, **PRODUCTION)

    assert result.returncode != 0
    assert "never runs with INFOHUS_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
