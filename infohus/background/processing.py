"""Records of processing for background work (see privacy.processing).

Most tasks take ids and flags only; an e-mail task carries its recipients' addresses and its text,
and an exception's message may quote what the task was working on: so both records count as
personal data, seen by system administrators only, who are shown numbers and yes/no arguments
but never the text ones.
"""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import PROPOSERS, PUBLIC_TASK, SECURITY, STAFF, Declaration, Personal

RECORDS: list[Declaration] = [
    Personal(
        model="background.TaskAttempt",
        fields=("task_path", "exception_class", "message"),
        subjects=(STAFF, PROPOSERS),
        purpose=_("To try a background task again after it failed, and to show administrators how each attempt "
                  "ended."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators, on the page of failed background tasks."),
        kept=_("As long as the record exists; no retention rule covers it yet. A task that succeeds at once "
               "leaves no record."),
    ),
    Personal(
        model="background.FailedTask",
        fields=("task_path", "arguments", "exception_class", "message", "traceback", "resolved_by", "note"),
        subjects=(STAFF, PROPOSERS),
        purpose=_("So that background work that failed every attempt (an e-mail, an import, a retention run) is "
                  "never lost silently: an administrator tries it again or dismisses it with a note."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators. Arguments that are text (e-mail addresses, an e-mail's text) are never "
                "shown; the audit trail records who tried a task again or dismissed it."),
        kept=_("As long as the record exists; no retention rule covers it yet."),
    ),
]
