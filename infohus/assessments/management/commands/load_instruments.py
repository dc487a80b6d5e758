"""manage.py load_instruments [paths...]: load instrument definitions from JSON files.

Without paths it loads every file in infohus/assessments/instruments/. Each file goes through
services.instruments.load_definition in a transaction of its own: a file that says what the
latest published version says already is left alone, a changed one is published as the next
version. A bad file stops the run with one line naming the file and the problem; the files
before it stay loaded. Safe to run again.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from infohus.assessments.services.instruments import load_definition

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "instruments"


def shipped_paths() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.json"))


def _problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return " ".join(error.messages)
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(error)


class Command(BaseCommand):
    help = "Load assessment instruments from JSON files (by default the ones shipped with Infohus)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path,
                            help="JSON files to load; without any, every file in infohus/assessments/instruments/.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"] or shipped_paths()
        if not paths:
            raise CommandError(f"No instrument files in {SHIPPED_DIR}.")
        for path in paths:
            try:
                definition = json.loads(path.read_text(encoding="utf-8"))
                version, new = load_definition(definition=definition)
            except (OSError, ValueError, ValidationError) as error:
                # JSONDecodeError and UnicodeDecodeError are ValueErrors.
                raise CommandError(f"{path}: {_problem(error)}") from error
            if not new:
                outcome = "unchanged"
            elif version.number == 1:
                outcome = "created v1"
            else:
                outcome = f"published v{version.number}"
            self.stdout.write(f"{path.name}: {outcome}")
