"""Authorisation-matrix rows of the background-work page: only the system administrator, sofie
(the ADMINISTER capability), opens it, tries a failed task again or dismisses one; everyone else,
the data protection officer and the analyst included, gets 403. Failed tasks are platform-wide,
so there is no object outside sofie's reach: each row makes its own failure (kwargs is called
once per person), so that one person's POST does not change what the next one finds.
"""

import uuid
from typing import Any

from infohus.background.models import FailedTask
from tests.authz import Row, allowed

ADMINISTRATOR = allowed("sofie")
PAGE = frozenset({200})
DONE = frozenset({302})


def _failure(world: dict[str, Any]) -> dict[str, Any]:
    failure = FailedTask.objects.create(
        work=uuid.uuid4(), task_path="infohus.training.tasks.send_due_reminders", arguments={"args": [], "kwargs": {}},
        attempts=3, exception_class="smtplib.SMTPServerDisconnected", message="Connection unexpectedly closed")
    return {"pk": failure.pk}


ROWS: list[Row] = [
    Row("background:failures", ADMINISTRATOR, ok=PAGE),
    Row("background:failure_retry", ADMINISTRATOR, kwargs=_failure, method="POST", ok=DONE),
    Row("background:failure_dismiss", ADMINISTRATOR, kwargs=_failure, ok=PAGE),
    Row("background:failure_dismiss", ADMINISTRATOR, kwargs=_failure, method="POST",
        data={"note": "Sent by hand"}, ok=DONE),
]
