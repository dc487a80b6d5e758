"""Background work of the platform's own: e-mails.

The services queue an e-mail with `transaction.on_commit(partial(send_email.enqueue, ...))`, so
that nothing is sent for a change that was rolled back, and a mail server that is down neither
undoes the change nor loses the mail: the task is tried again and, failing that, shown to the
administrators (services.py). Its arguments are plain JSON: the subject, the text and the
addresses, rendered in the language of the request that queued it.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text message to the recipients (all in its To field); how many were sent."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients))
