"""`manage.py check` warns about a gap in the records of processing, as the tests fail on it."""

import pytest

from infohus.privacy.apps import records_of_processing_complete


def test_check_is_silent_when_every_model_is_declared() -> None:
    assert records_of_processing_complete() == []


def test_check_names_each_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("infohus.privacy.processing.problems", lambda: ["cases.Person: not declared"])

    messages = records_of_processing_complete()

    assert [(m.id, m.msg) for m in messages] == [("infohus.privacy.W001", "cases.Person: not declared")]
