"""Background work of the privacy app, through Django's tasks API.

`manage.py run_retention`, run daily by cron or a systemd timer, enqueues run_retention_task; the
default backend (ImmediateBackend) runs it at once, a worker backend queues it (docs/retention.md).
"""

from typing import Any

from django.tasks import task

from infohus.privacy.services.retention import run_retention


@task
def run_retention_task(dry_run: bool = False) -> dict[str, Any]:
    """Erase what has been kept past its retention period (or, dry, count it): the run's id,
    status, error and counts per kind."""
    run = run_retention(dry_run=dry_run)
    return {"run": run.pk, "status": run.status, "error": run.error,
            "counts": {str(key): int(count) for key, count in run.counts.items()}}
