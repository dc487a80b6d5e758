"""Starting a real retention run from the DPO's pages: a confirmation page, then a POST that is
audited and queues run_retention_task for the background worker; the run is done when the worker
takes it (with the immediate backend, once the request has committed)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django_tasks_db.models import DBTaskResult

from infohus.audit.models import AuditEvent
from infohus.privacy.models import RetentionRun
from infohus.privacy.tasks import run_retention_task

pytestmark = pytest.mark.django_db
START = "/privacy/retention/runs/start/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_dpo_is_asked_to_confirm_before_anything_is_queued(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dina").get(START)

    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be undone" in page and 'data-testid="start-run"' in page and 'method="post"' in page
    assert not RetentionRun.objects.exists() and not AuditEvent.objects.filter(action__contains="retention_run")


def test_the_runs_page_offers_to_start_a_run(signed_in: Callable[[str], Client]) -> None:
    assert f'href="{START}"' in signed_in("dina").get("/privacy/retention/runs/").content.decode()


def test_starting_a_run_queues_the_retention_task_for_the_worker_and_is_audited(
        signed_in: Callable[[str], Client], settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    dina = signed_in("dina")

    with django_capture_on_commit_callbacks(execute=True):
        response = dina.post(START)

    assert response.status_code == 302 and response["Location"] == "/privacy/retention/runs/"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == run_retention_task.module_path and queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [], "kwargs": {}}
    assert not RetentionRun.objects.exists()  # the worker has not taken it yet
    event = AuditEvent.objects.get(action="privacy.retention_run.queued")
    assert event.actor_username == "dina" and event.object_type == "retention_run"


def test_with_the_immediate_backend_the_run_is_done_once_the_request_has_committed(
        signed_in: Callable[[str], Client], django_capture_on_commit_callbacks: Any) -> None:
    dina = signed_in("dina")

    with django_capture_on_commit_callbacks(execute=True):
        dina.post(START)

    run = RetentionRun.objects.get()
    assert not run.dry_run and run.status == RetentionRun.Status.DONE
    assert "A retention run was queued" in dina.get("/privacy/retention/runs/").content.decode()


@pytest.mark.parametrize("who", ["sofie", "anders", "ida"])
def test_nobody_but_the_dpo_starts_a_run(signed_in: Callable[[str], Client], who: str,
                                         django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(who)
    assert client.get(START).status_code == 403
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(START).status_code == 403
    assert callbacks == [] and not RetentionRun.objects.exists()
