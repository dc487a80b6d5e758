"""Fixtures of the background-work tests: the calls of the example tasks, the database backend in
place of the immediate one, and the worker run once over what is ready (db_worker --batch)."""

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import task_backends

from infohus.background.tests import example_tasks

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def calls() -> Iterator[list[tuple[str, object]]]:
    example_tasks.CALLS.clear()
    yield example_tasks.CALLS
    example_tasks.CALLS.clear()


@pytest.fixture
def database_tasks(settings: Any) -> Iterator[None]:
    """Tasks are queued in the database for a worker, as in production. Changing TASKS resets
    django.tasks' backends (its setting_changed receiver), and the tasks look theirs up by alias."""
    settings.TASKS = DATABASE_TASKS
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    yield


@pytest.fixture
def run_worker() -> Callable[[], None]:
    """Run the worker until nothing is ready. The worker installs its own SIGINT and SIGTERM
    handlers for a graceful stop; they are put back afterwards so that the test run keeps its own."""

    def run() -> None:
        saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)

    return run
