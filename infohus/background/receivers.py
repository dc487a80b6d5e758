"""Django's task signals, handed to the services: every task that is queued or ends, whatever
app queued it and whichever process (web or worker) runs it.

A receiver must never break the backend that sent the signal (the database worker would mark a
task that succeeded as failed): whatever goes wrong while recording is logged at ERROR instead.
"""

import logging
from typing import Any

from django.dispatch import receiver
from django.tasks.signals import task_enqueued, task_finished

from infohus.background import services
from infohus.background.services import AnyResult

logger = logging.getLogger("infohus.background")


@receiver(task_enqueued, dispatch_uid="infohus.background.queued")
def task_was_queued(sender: Any, task_result: AnyResult, **kwargs: Any) -> None:
    try:
        services.note_queued(task_result)
    except Exception:
        logger.exception("Could not record the queueing of task %s (id %s)", task_result.task.module_path,
                         task_result.id)


@receiver(task_finished, dispatch_uid="infohus.background.finished")
def task_has_finished(sender: Any, task_result: AnyResult, **kwargs: Any) -> None:
    try:
        services.record_finished(task_result)
    except Exception:
        logger.exception("Could not record how task %s (id %s) ended; status %s", task_result.task.module_path,
                         task_result.id, task_result.status)
