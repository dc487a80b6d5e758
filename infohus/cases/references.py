"""Readable references for concerns and cases (B-2026-000123, S-2026-000045)."""

from django.db.models import Model
from django.utils import timezone


def next_reference(model: type[Model], prefix: str) -> str:
    """The next free reference of this year. Called inside the creating transaction; the unique
    constraint on the reference catches the rare race, and the caller retries."""
    year = timezone.now().year
    stem = f"{prefix}-{year}-"
    last = (model._default_manager.filter(reference__startswith=stem)
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:06d}"
