"""manage.py load_instruments: what it says per file, a bad file, and its exit status."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from infohus.assessments.management.commands.load_instruments import shipped_paths
from infohus.assessments.models import Instrument, InstrumentVersion
from infohus.assessments.tests.factories import small_definition

pytestmark = pytest.mark.django_db


def _run(*paths: Path) -> list[str]:
    out = StringIO()
    call_command("load_instruments", *[str(p) for p in paths], stdout=out)
    return out.getvalue().splitlines()


def _write(folder: Path, name: str, definition: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(definition) if not isinstance(definition, str) else definition, encoding="utf-8")
    return path


def test_without_paths_it_loads_the_shipped_instruments_then_finds_them_unchanged() -> None:
    names = [p.name for p in shipped_paths()]

    assert _run() == [f"{name}: created v1" for name in names]
    assert _run() == [f"{name}: unchanged" for name in names]
    assert Instrument.objects.count() == len(names) == 5
    assert not InstrumentVersion.objects.exclude(number=1).exists()


def test_a_changed_file_is_published_as_the_next_version(tmp_path: Path) -> None:
    path = _write(tmp_path, "test.json", small_definition())
    assert _run(path) == ["test.json: created v1"]

    changed = small_definition()
    changed["sections"][1]["fields"].append({"key": "next", "kind": "statements", "label_da": "Næste",
                                             "label_en": "Next"})
    _write(tmp_path, "test.json", changed)

    assert _run(path) == ["test.json: published v2"]
    assert _run(path) == ["test.json: unchanged"]
    assert list(InstrumentVersion.objects.values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize(("content", "problem"), [
    ("{ not json", "not valid JSON (line 1"),
    ([1, 2], "A definition is one JSON object."),
    ({"slug": "x", "name_da": "X", "name_en": "X", "sections": []}, "needs a list of sections"),
    ({**small_definition(slug="broken"), "use": "sometimes"}, "use: Value 'sometimes' is not a valid choice."),
])
def test_a_bad_file_is_named_with_its_problem_and_the_files_before_it_stay(tmp_path: Path, content: Any,
                                                                           problem: str) -> None:
    good = _write(tmp_path, "a-good.json", small_definition())
    bad = _write(tmp_path, "b-bad.json", content)
    after = _write(tmp_path, "c-after.json", small_definition(slug="after"))
    out = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("load_instruments", str(good), str(bad), str(after), stdout=out)

    message = str(error.value)
    assert message.startswith(f"{bad}: ") and problem in message
    assert "\n" not in message
    assert out.getvalue().splitlines() == ["a-good.json: created v1"]
    assert list(Instrument.objects.values_list("slug", flat=True)) == ["test-instrument"]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="nowhere.json"):
        _run(tmp_path / "nowhere.json")


def test_a_bad_file_exits_non_zero_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As from a shell: the command line runner turns the error into a message and exit status 1.
    bad = _write(tmp_path, "bad.json", {"slug": "bad"})

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "load_instruments", str(bad)])

    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == f"CommandError: {bad}: A definition needs a list of sections."
