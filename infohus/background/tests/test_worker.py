"""The database backend and its worker (db_worker --batch, as `make run` and production run it):
a task queued by the web process is done by the worker; a failing one is tried again later each
time (the delay grows), then appears on the administrators' page; e-mails from the services go
out through the worker once the change that caused them has committed.

These tests commit for real (transaction=True): the worker checks its connection between tasks
and would drop the test's own transaction, and the e-mails are queued on commit.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from infohus.accounts.models import User
from infohus.background.models import FailedTask, TaskAttempt
from infohus.background.tasks import send_email
from infohus.background.tests.example_tasks import always_fails, succeeds
from infohus.cases.services.cases import break_glass
from infohus.cases.tests.factories import make_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]
Calls = list[tuple[str, object]]


def test_a_queued_task_waits_for_the_worker_and_is_done_by_it(calls: Calls, run_worker: Callable[[], None]) -> None:
    result = succeeds.enqueue(5)

    assert result.status == TaskResultStatus.READY and calls == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 10
    assert calls == [("succeeds", 5)]
    assert not TaskAttempt.objects.exists()


def test_a_failing_task_is_tried_again_later_each_time_then_shown_to_the_administrator(
        calls: Calls, run_worker: Callable[[], None], signed_in: Callable[[str], Client]) -> None:
    always_fails.enqueue(11, urgent=False)
    delays = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        run_worker()
        assert calls.count(("always_fails", 11)) == attempt
        if attempt < 3:
            retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
            delays.append(retry.run_after - before)
            run_worker()  # not yet: the retry waits for its time
            assert calls.count(("always_fails", 11)) == attempt
            DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())

    # About one minute, then about two.
    assert timedelta(seconds=55) < delays[0] <= timedelta(minutes=1, seconds=5)
    assert timedelta(seconds=115) < delays[1] <= timedelta(minutes=2, seconds=5)
    assert [(a.number, a.outcome) for a in TaskAttempt.objects.order_by("number")] == [
        (1, "failed"), (2, "failed"), (3, "failed")]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    failure = FailedTask.objects.get()
    assert failure.attempts == 3 and failure.arguments == {"args": [11], "kwargs": {"urgent": False}}

    page = signed_in("sofie").get("/background/").content.decode()

    row = page[page.index(f'data-failure="{failure.pk}"'):]
    assert "always_fails" in row[:300] and "Nothing answered for number 11" in row


def test_an_email_is_queued_when_the_change_commits_and_sent_by_the_worker(
        people: dict[str, User], run_worker: Callable[[], None]) -> None:
    case = make_case(lead=people["carl"])

    break_glass(case_pk=case.pk, actor=people["ida"], reason="Threat against a school reported tonight")

    queued = DBTaskResult.objects.get()
    assert queued.task_path == send_email.module_path
    assert queued.args_kwargs["kwargs"]["recipients"] == [people["dina"].email]
    assert mail.outbox == []

    run_worker()

    assert [m.to for m in mail.outbox] == [[people["dina"].email]]
    assert case.reference in mail.outbox[0].subject


def test_the_page_warns_when_a_task_has_waited_so_long_that_the_worker_may_be_down(
        calls: Calls, signed_in: Callable[[str], Client]) -> None:
    sofie = signed_in("sofie")
    succeeds.enqueue(1)
    page = sofie.get("/background/").content.decode()
    assert '<dd data-testid="waiting">1</dd>' in page and 'data-testid="stalled"' not in page

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=20))
    page = sofie.get("/background/").content.decode()

    assert 'data-testid="stalled"' in page and "The worker may be down" in page
    assert "20\xa0minutes" in page
