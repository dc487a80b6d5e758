"""`manage.py recover_stalled_tasks --worker-id ID | --older-than MINUTES`: tasks left "running"
by a worker that was killed are recorded as failed, so that they are tried again (and, failing
that, shown to administrators) instead of waiting forever. The worker's systemd unit runs it with
its own id before it starts; a timer sweeps for old ones (docs/deployment.md)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infohus.background.services import recover_stalled


class Command(BaseCommand):
    help = "Record tasks left running by a worker that is gone as failed, so that they are tried again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", default="",
                            help="Tasks last claimed by this worker (which is starting again, so not running them).")
        parser.add_argument("--older-than", type=int, metavar="MINUTES",
                            help="Tasks started more than this many minutes ago, by any worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than"]
        if minutes is not None and minutes < 1:
            raise CommandError("--older-than takes a number of minutes, 1 or more.")
        if not options["worker_id"] and minutes is None:
            raise CommandError("Give --worker-id, --older-than or both.")
        recovered = recover_stalled(worker_id=options["worker_id"],
                                    older_than=timedelta(minutes=minutes) if minutes is not None else None)
        if recovered:
            self.stdout.write(f"{len(recovered)} stalled task(s) recorded as failed: {', '.join(recovered)}")
        elif options["verbosity"] > 1:
            self.stdout.write("No stalled task.")
