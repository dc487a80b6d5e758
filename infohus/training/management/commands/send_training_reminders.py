from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from infohus.training.tasks import send_due_reminders


class Command(BaseCommand):
    help = ("Send the reminders of training that falls due within the reminder window of an active requirement "
            "(once per person and due date). Run it once a day; see docs/training-compliance.md.")

    def handle(self, *args: object, **options: object) -> None:
        result = send_due_reminders.enqueue()
        if result.status == TaskResultStatus.FAILED:
            error = result.errors[-1] if result.errors else None
            raise CommandError("Sending the training reminders failed"
                               + (f":\n{error.traceback}" if error is not None else "."))
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"The training reminders are queued as task {result.id}; a worker sends them.")
            return
        sent = result.return_value
        self.stdout.write(f"Sent {sent} training reminder{'' if sent == 1 else 's'}. "
                          "The counts (sent, already sent, without an e-mail address, failed) are in the audit "
                          "trail under training.reminders_sent.")
