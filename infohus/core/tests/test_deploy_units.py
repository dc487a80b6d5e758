"""The sample systemd units call management commands that exist, with options those commands
take, and every timer has its service."""

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from infohus.background.tests.conftest import DATABASE_TASKS

UNITS = Path(__file__).resolve().parents[3] / "deploy" / "systemd"


def manage_calls() -> list[tuple[str, list[str]]]:
    calls = []
    for unit in sorted(UNITS.glob("*.service")):
        for line in unit.read_text().splitlines():
            found = re.match(r"Exec\w+=\S+python manage\.py (.+)$", line)
            if found:
                calls.append((unit.name, shlex.split(found.group(1), posix=True)))
    return calls


def test_the_units_call_manage_py() -> None:
    assert {unit for unit, _words in manage_calls()} >= {
        "infohus-worker@.service", "infohus-retention.service", "infohus-recover-tasks.service"}


@pytest.mark.parametrize(("unit", "words"), manage_calls())
def test_each_call_is_a_command_with_options_it_takes(unit: str, words: list[str], settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS  # as in production: the worker's commands check the backend
    name, *arguments = words
    commands = get_commands()
    assert name in commands, f"{unit}: no command {name}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    # systemd's specifiers (%H, %i) stand for words; the glob of prune_db_task_results is quoted
    # by systemd, not a shell.
    parser.parse_args([word.replace("%H", "host").replace("%i", "1") for word in arguments])


def test_every_timer_has_its_service() -> None:
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / timer.name.replace(".timer", ".service")).exists(), timer.name
