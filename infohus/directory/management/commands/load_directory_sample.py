"""manage.py load_directory_sample: the shipped sample pages, and the Danish PROVA page when it
lies beside the checkout (../shared/data/prova-denmark.txt). Safe to run again: imports are
idempotent."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from infohus.directory.management.commands.import_country_page import import_file

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "sample_pages"


def sample_paths() -> list[Path]:
    paths = sorted(SAMPLE_DIR.glob("*.txt"))
    prova = Path(settings.BASE_DIR).parent / "shared" / "data" / "prova-denmark.txt"
    if prova.is_file():
        paths.append(prova)
    return paths


class Command(BaseCommand):
    help = "Import the sample country pages (and ../shared/data/prova-denmark.txt when present)."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sample_paths():
            report = import_file(path)
            self.stdout.write(
                f"{path.name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.warnings)} warnings"
            )
