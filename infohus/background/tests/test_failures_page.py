"""The administrators' page of background work: failed tasks waiting for attention, newest first
and paginated, with their arguments (text ones never shown); "try again" and "dismiss with a
note", both audited; the queue; and only sofie, the system administrator, may open any of it."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.background import selectors
from infohus.background.models import FailedTask, TaskAttempt
from infohus.background.services import ACTION_DISMISSED, ACTION_RETRIED
from infohus.background.tests.example_tasks import always_fails

pytestmark = pytest.mark.django_db
ALWAYS_FAILS = "infohus.background.tests.example_tasks.always_fails"
SUCCEEDS = "infohus.background.tests.example_tasks.succeeds"


def make_failure(*, task_path: str = ALWAYS_FAILS, arguments: dict[str, Any] | None = None, minutes_ago: int = 0,
                 status: str = FailedTask.Status.OPEN) -> FailedTask:
    failure = FailedTask.objects.create(
        work=uuid.uuid4(), task_path=task_path, arguments=arguments or {"args": [4], "kwargs": {"urgent": True}},
        attempts=3, exception_class="smtplib.SMTPServerDisconnected", message="Connection unexpectedly closed",
        failed_at=timezone.now() - timedelta(minutes=minutes_ago), status=status)
    for number in (1, 2, 3):
        TaskAttempt.objects.create(work=failure.work, number=number, result_id=uuid.uuid4().hex, task_path=task_path,
                                   outcome=TaskAttempt.Outcome.FAILED, failure=failure)
    return failure


def test_the_administrator_sees_the_failures_newest_first_with_what_may_be_shown_of_their_arguments(
        signed_in: Callable[[str], Client]) -> None:
    older = make_failure(minutes_ago=30)
    mail = make_failure(task_path="infohus.background.tasks.send_email", minutes_ago=5, arguments={
        "args": [], "kwargs": {"subject": "Case C-12 opened", "body": "Reason: ...", "recipients": ["dina@x.dk"]}})
    make_failure(status=FailedTask.Status.DISMISSED)

    response = signed_in("sofie").get("/background/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-failure=") == 2
    assert page.index(f'data-failure="{mail.pk}"') < page.index(f'data-failure="{older.pk}"')
    assert "number: 4" in page and "urgent: True" in page
    assert "dina@x.dk" not in page and "C-12" not in page
    assert page.count("not shown (text)") == 3
    assert "Tasks run at once" in page  # the immediate backend of the tests has no queue
    event = AuditEvent.objects.get(action="background.failed_tasks.viewed")
    assert event.actor_username == "sofie" and event.details == {"failed_tasks": [mail.pk, older.pk]}


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_is_a_fixed_number_of_queries(signed_in: Callable[[str], Client], count: int,
                                               django_assert_max_num_queries: Any) -> None:
    for n in range(count):
        make_failure(minutes_ago=n)
        make_failure(minutes_ago=n, status=FailedTask.Status.DISMISSED)
    sofie = signed_in("sofie")

    # Session, user, memberships; the count, the page and its attempts; the audit event (lock, last,
    # insert and savepoints); the failures handled last.
    with django_assert_max_num_queries(16):
        response = sofie.get("/background/")

    assert response.content.decode().count("data-failure=") == min(count, 25)
    assert response.content.decode().count("data-handled=") == min(count, 10)


def test_the_list_is_paginated(signed_in: Callable[[str], Client]) -> None:
    for n in range(27):
        make_failure(minutes_ago=n)
    sofie = signed_in("sofie")
    assert sofie.get("/background/").content.decode().count("data-failure=") == 25
    assert sofie.get("/background/?page=2").content.decode().count("data-failure=") == 2


def test_trying_again_queues_the_task_anew_and_is_audited(
        signed_in: Callable[[str], Client], people: dict[str, User], calls: list[tuple[str, object]],
        django_capture_on_commit_callbacks: Any) -> None:
    failure = make_failure(task_path=SUCCEEDS, arguments={"args": [8], "kwargs": {}})
    sofie = signed_in("sofie")

    with django_capture_on_commit_callbacks(execute=True):
        response = sofie.post(f"/background/failures/{failure.pk}/try-again/")

    assert response.status_code == 302 and response["Location"] == "/background/"
    failure.refresh_from_db()
    assert failure.status == FailedTask.Status.RETRIED and failure.resolved_by == people["sofie"]
    assert calls == [("succeeds", 8)]
    assert TaskAttempt.objects.get(work=failure.retried_as).outcome == TaskAttempt.Outcome.SUCCEEDED
    event = AuditEvent.objects.get(action=ACTION_RETRIED)
    assert event.actor_username == "sofie" and event.object_id == str(failure.pk)
    assert event.details == {"task": SUCCEEDS, "work": str(failure.retried_as)}
    page = sofie.get("/background/").content.decode()
    assert f'data-failure="{failure.pk}"' not in page
    assert "Succeeded" in page[page.index(f'data-handled="{failure.pk}"'):]


def test_a_task_tried_again_that_fails_again_comes_back_as_a_new_failure(
        signed_in: Callable[[str], Client], calls: list[tuple[str, object]],
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        always_fails.enqueue(9)
    failure = FailedTask.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in("sofie").post(f"/background/failures/{failure.pk}/try-again/")

    assert calls == [("always_fails", 9)] * 6
    failure.refresh_from_db()
    again = FailedTask.objects.get(status=FailedTask.Status.OPEN)
    assert again.work == failure.retried_as and again.arguments == failure.arguments


def test_a_failure_handled_already_cannot_be_handled_again(signed_in: Callable[[str], Client]) -> None:
    failure = make_failure(task_path=SUCCEEDS, arguments={"args": [1], "kwargs": {}})
    sofie = signed_in("sofie")
    assert sofie.post(f"/background/failures/{failure.pk}/try-again/").status_code == 302

    assert sofie.post(f"/background/failures/{failure.pk}/try-again/").status_code == 404
    assert sofie.post(f"/background/failures/{failure.pk}/dismiss/", {"note": "x"}).status_code == 404
    assert AuditEvent.objects.filter(action=ACTION_RETRIED).count() == 1


def test_a_task_that_no_longer_exists_is_not_tried_again_and_says_why(signed_in: Callable[[str], Client]) -> None:
    failure = make_failure(task_path="infohus.background.tasks.gone_since")

    response = signed_in("sofie").post(f"/background/failures/{failure.pk}/try-again/", follow=True)

    assert "no longer exists in this version of Infohus" in response.content.decode()
    failure.refresh_from_db()
    assert failure.status == FailedTask.Status.OPEN
    assert not AuditEvent.objects.filter(action=ACTION_RETRIED).exists()


def test_dismissing_needs_a_note_and_is_audited_without_it(signed_in: Callable[[str], Client],
                                                           people: dict[str, User]) -> None:
    failure = make_failure()
    sofie = signed_in("sofie")
    assert sofie.get(f"/background/failures/{failure.pk}/dismiss/").status_code == 200

    refused = sofie.post(f"/background/failures/{failure.pk}/dismiss/", {"note": "  "})

    assert refused.status_code == 400
    failure.refresh_from_db()
    assert failure.status == FailedTask.Status.OPEN

    response = sofie.post(f"/background/failures/{failure.pk}/dismiss/", {"note": "The address was wrong; fixed."})

    assert response.status_code == 302
    failure.refresh_from_db()
    assert failure.status == FailedTask.Status.DISMISSED and failure.note == "The address was wrong; fixed."
    assert failure.resolved_by == people["sofie"] and failure.resolved_at is not None
    event = AuditEvent.objects.get(action=ACTION_DISMISSED)
    assert event.object_id == str(failure.pk) and event.details == {"task": ALWAYS_FAILS}
    assert "address was wrong" not in str(event.details)


@pytest.mark.parametrize("who", ["dina", "anders", "ida", "rasmus"])
def test_nobody_but_the_administrator_opens_the_page_or_handles_a_failure(signed_in: Callable[[str], Client],
                                                                         who: str) -> None:
    failure = make_failure()
    client = signed_in(who)

    assert client.get("/background/").status_code == 403
    assert client.post(f"/background/failures/{failure.pk}/try-again/").status_code == 403
    assert client.post(f"/background/failures/{failure.pk}/dismiss/", {"note": "no"}).status_code == 403
    failure.refresh_from_db()
    assert failure.status == FailedTask.Status.OPEN
    assert not AuditEvent.objects.filter(action__startswith="background.").exists()


def test_open_failures_gives_the_newest_waiting_ones_in_one_query(django_assert_num_queries: Any) -> None:
    newest = make_failure(minutes_ago=1)
    middle = make_failure(minutes_ago=2)
    make_failure(minutes_ago=3)
    make_failure(status=FailedTask.Status.RETRIED)

    with django_assert_num_queries(1):
        found = selectors.open_failures(2)

    assert found == [newest, middle]
