"""`manage.py run_retention [--dry-run]`: enqueue the daily retention run (a cron job or a
systemd timer calls it once a day; see docs/retention.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus

from infohus.privacy.models import RetentionRun
from infohus.privacy.tasks import run_retention_task


class Command(BaseCommand):
    help = ("Erase what has been kept past its retention period, except what a legal hold keeps (or, with "
            "--dry-run, count it). Run it once a day; see docs/retention.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_retention_task.enqueue(dry_run=bool(options["dry_run"]))
        if result.status == TaskResultStatus.FAILED:
            error = result.errors[-1] if result.errors else None
            raise CommandError("The retention run failed" + (f":\n{error.traceback}" if error is not None else "."))
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"The retention run is queued as task {result.id}; a worker runs it.")
            return
        outcome: dict[str, Any] = result.return_value
        summary = ", ".join(f"{key} {count}" for key, count in outcome["counts"].items())
        verb = "would erase" if options["dry_run"] else "erased"
        if outcome["status"] == RetentionRun.Status.FAILED:
            raise CommandError(f"Retention run {outcome['run']} failed ({outcome['error']}); it {verb}: {summary}")
        self.stdout.write(f"Retention run {outcome['run']} {verb}: {summary}.")
