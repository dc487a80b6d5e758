"""manage.py import_country_page and manage.py load_directory_sample."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from infohus.directory.management.commands.load_directory_sample import sample_paths
from infohus.directory.models import ContactPoint, ImportBatch, Organisation, Project

PAGES = Path(__file__).parent / "pages"

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_country_page", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_progress_bar_and_a_summary_with_warning_lines() -> None:
    out, err = run(str(PAGES / "valid.txt"))
    assert "3/3" in err and "#" in err
    assert "3 created, 0 updated, 0 unchanged, 3 warnings" in out
    assert "created   line    5  Harbour Mentoring Programme" in out
    assert "warning   line   55" in out
    assert Project.objects.count() == 3


def test_second_run_reports_everything_unchanged() -> None:
    run(str(PAGES / "valid.txt"))
    out, _err = run(str(PAGES / "valid.txt"))
    assert "0 created, 0 updated, 3 unchanged" in out


def test_dry_run_writes_nothing() -> None:
    out, _err = run(str(PAGES / "valid.txt"), "--dry-run")
    assert out.startswith("Dry run, nothing was written.")
    assert "3 created" in out
    assert Project.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_bad_file_is_a_command_error_naming_the_line_and_writes_nothing() -> None:
    with pytest.raises(CommandError, match=r"title-not-repeated\.txt: line 33: .*nothing was imported"):
        run(str(PAGES / "title-not-repeated.txt"))
    assert (Project.objects.count(), Organisation.objects.count(), ContactPoint.objects.count(),
            ImportBatch.objects.count()) == (0, 0, 0, 0)


def test_a_missing_file_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="no-such-page.txt"):
        run(str(PAGES / "no-such-page.txt"))


def test_load_directory_sample_imports_every_sample_page_and_is_idempotent() -> None:
    out = StringIO()
    call_command("load_directory_sample", stdout=out)
    assert len(out.getvalue().splitlines()) == len(sample_paths())
    projects = Project.objects.count()
    practicies = Project.objects.get(slug="practicies-partnership-against-violent-radicalisation-in-the-cities")
    assert sorted(c.code for c in practicies.countries.all()) == ["AT", "BE", "FR"]
    assert Project.objects.filter(countries__code="SE").exists()
    assert Project.objects.filter(countries__code="GB").exists()

    again = StringIO()
    call_command("load_directory_sample", stdout=again)
    assert Project.objects.count() == projects
    assert all(" 0 created, 0 updated," in line for line in again.getvalue().splitlines())


def test_sample_includes_the_danish_page_when_it_is_beside_the_checkout() -> None:
    names = [path.name for path in sample_paths()]
    prova = Path(__file__).resolve().parents[4] / "shared" / "data" / "prova-denmark.txt"
    assert ("prova-denmark.txt" in names) == prova.is_file()
    assert {"austria.txt", "belgium.txt", "france.txt", "germany.txt", "netherlands.txt", "sweden.txt",
            "united-kingdom.txt"} <= set(names)
