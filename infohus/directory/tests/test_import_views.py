"""The upload form of the importer, for directory editors."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infohus.directory.forms_import import MAX_UPLOAD_BYTES
from infohus.directory.importing import import_country_page
from infohus.directory.models import ContactPoint, ImportBatch, Organisation, Project

PAGES = Path(__file__).parent / "pages"
URL = "/network/import/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (PAGES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_url_name() -> None:
    assert reverse("directory:import_upload") == URL


def test_dorte_sees_the_form_with_a_progress_bar_and_the_script(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dorte").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and "data-upload-progress" in html
    assert "<progress" in html and "infohus/upload-progress.js" in html
    assert 'name="dry_run"' in html


def test_dorte_imports_a_page_and_sees_the_summary(signed_in: Callable[[str], Client], people: dict) -> None:
    response = signed_in("dorte").post(URL, {"file": upload("valid.txt")})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="count-created">3<' in html
    assert "Line 55" in html          # the warning about the entry without contact details
    batch = ImportBatch.objects.get()
    assert batch.imported_by == people["dorte"] and batch.source_name == "valid.txt"
    assert Project.objects.count() == 3


def test_dry_run_from_the_form_writes_nothing(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dorte").post(URL, {"file": upload("valid.txt"), "dry_run": "on"})
    assert 'data-testid="count-created">3<' in response.content.decode()
    assert "Dry run" in response.content.decode()
    assert Project.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_bad_file_shows_the_line_and_writes_nothing(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dorte").post(URL, {"file": upload("no-description.txt")})
    assert response.status_code == 200
    assert "line 50:" in response.content.decode()
    assert (Project.objects.count(), Organisation.objects.count(), ContactPoint.objects.count(),
            ImportBatch.objects.count()) == (0, 0, 0, 0)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(signed_in: Callable[[str], Client]) -> None:
    response = signed_in("dorte").post(URL, {"file": upload("not-utf8.txt")})
    assert "line 26:" in response.content.decode()
    assert Project.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(signed_in: Callable[[str], Client]) -> None:
    big = upload("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1))
    response = signed_in("dorte").post(URL, {"file": big})
    assert "the limit is" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["carl", "sofie", "anders", "ida"])
def test_others_are_refused(signed_in: Callable[[str], Client], who: str) -> None:
    client = signed_in(who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload("valid.txt")}).status_code == 403
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_past_imports_are_listed_with_a_page_each(signed_in: Callable[[str], Client]) -> None:
    report = import_country_page(text=(PAGES / "valid.txt").read_text(), source_name="valid.txt")
    client = signed_in("dorte")
    html = client.get(URL).content.decode()
    detail = reverse("directory:import_batch", args=[report.batch_id])
    assert detail in html
    page = client.get(detail).content.decode()
    assert "Line 44" in page and "valid.txt" in page


def test_upload_page_query_count_does_not_grow_with_batches(
    signed_in: Callable[[str], Client], django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = signed_in("dorte")
    with CaptureQueriesContext(connection) as empty:
        client.get(URL)
    for name in ("valid.txt", "valid-changed.txt", "second-country.txt"):
        import_country_page(text=(PAGES / name).read_text(), source_name=name)
    # session, user, second-factor device, memberships (the capability check; reused by the
    # layout), the batches with their country and importer in one query, and the session save
    # (savepoint, update, release).
    with django_assert_max_num_queries(8) as full:
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('href="/network/import/') == 3 + 1  # three batches, the menu
    assert len(full) == len(empty)
