"""manage.py import_country_page PATH [--dry-run] [--user NAME]: import one country page."""

from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from infohus.directory.importer import PageFormatError, decode_page
from infohus.directory.importing import ImportReport, import_country_page

BAR_WIDTH = 30


class ProgressBar:
    """A one-line text progress bar, redrawn in place on a terminal and printed once at the
    end otherwise (so that logs do not fill with carriage returns)."""

    def __init__(self, stream: TextIO | OutputWrapper) -> None:
        self.stream = stream
        self.interactive = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.interactive and done < total:
            return
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
        text = ("\r" if self.interactive else "") + line + ("\n" if done >= total else "")
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def summary_lines(report: ImportReport) -> list[str]:
    head = "Dry run, nothing was written. " if report.dry_run else ""
    lines = [
        f"{head}{report.country_name} ({report.country_code}) from {report.source_name}: "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.warnings)} warnings"
        + (f", {len(report.organisations_created)} new organisations" if report.organisations_created else ""),
    ]
    for entry in report.entries:
        changes = f" ({', '.join(entry.changes)})" if entry.changes else ""
        lines.append(f"  {entry.outcome:<9} line {entry.line:>4}  {entry.title}{changes}")
    for warning in report.warnings:
        lines.append(f"  warning   line {warning.line:>4}  {warning.message}")
    return lines


def import_file(path: Path, *, dry_run: bool = False, user: Any = None,
                progress_stream: TextIO | OutputWrapper | None = None) -> ImportReport:
    """Read and import one file; CommandError (naming the file and line) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from error
    try:
        return import_country_page(
            text=decode_page(data), source_name=path.name, imported_by=user, dry_run=dry_run,
            progress=ProgressBar(progress_stream) if progress_stream else None,
        )
    except PageFormatError as error:
        raise CommandError(f"{path}: {error} (nothing was imported)") from error


class Command(BaseCommand):
    help = "Import a country page (the PROVA format) into the directory, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")
        parser.add_argument("--user", help="user name to record as the importer")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
        report = import_file(options["path"], dry_run=options["dry_run"], user=user, progress_stream=self.stderr)
        for line in summary_lines(report):
            self.stdout.write(line)
