"""Background work of the training app, through Django's tasks API.

The default backend runs a task at once when it is enqueued (ImmediateBackend); with a worker
backend (issue 9) `send_due_reminders.enqueue()` queues it instead. `manage.py
send_training_reminders`, run daily by cron or a systemd timer, enqueues it
(docs/training-compliance.md).
"""

from django.tasks import task
from django.utils import timezone

from infohus.training.services.requirements import send_reminders


@task
def send_due_reminders() -> int:
    """E-mail everyone whose training falls due within the reminder window of an active
    requirement, once per due date; the number of reminders sent."""
    return send_reminders(today=timezone.localdate()).sent
