"""`manage.py check` warns about a gap in the records of processing, as the tests fail on it."""

import pytest

from infohus.privacy.apps import records_of_processing_complete, retention_minimums_known


def test_check_is_silent_when_every_model_is_declared() -> None:
    assert records_of_processing_complete() == []


def test_check_names_each_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("infohus.privacy.processing.problems", lambda: ["cases.Person: not declared"])

    messages = records_of_processing_complete()

    assert [(m.id, m.msg) for m in messages] == [("infohus.privacy.W001", "cases.Person: not declared")]


def test_an_unknown_kind_in_the_configured_minimums_is_an_error(settings: object) -> None:
    settings.RETENTION_MINIMUM_MONTHS = {"case_closed": 36, "cases_closed": 36}  # type: ignore[attr-defined]

    errors = retention_minimums_known()

    assert [(e.id, e.msg) for e in errors] == [
        ("infohus.privacy.E001", "RETENTION_MINIMUM_MONTHS names 'cases_closed', which is not a kind of record")]


def test_configured_minimums_are_read_from_the_environment() -> None:
    from infohus.accounts.tests.test_demo import _run

    result = _run("shell", "-c", "from django.conf import settings; print(settings.RETENTION_MINIMUM_MONTHS)",
                  RETENTION_MINIMUM_MONTHS="case_closed=36, audit_event=60")
    assert result.stdout.strip().splitlines()[-1] == "{'case_closed': 36, 'audit_event': 60}"
    refused = _run("check", RETENTION_MINIMUM_MONTHS="case_closed=three")
    assert refused.returncode != 0
    assert "is not kind=months" in refused.stderr
