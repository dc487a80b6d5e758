"""Shared fixtures and data for the concern tests."""

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infohus.accounts.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# Queries of a signed-in person's page before the page's own: the session, the user, their
# second-factor device, their memberships (the acting role); after it, the session's save
# (savepoint, update, release).
SIGNED_IN_OVERHEAD = 4 + 3
# Writing one audit event: savepoint, the chain's last row, the insert, release; PostgreSQL
# first takes the advisory lock that serialises writers of the chain.
AUDIT_EVENT = 4 + (1 if connection.vendor == "postgresql" else 0)


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def concern_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "observed": "He showed classmates videos that celebrate an attack and said he would do the same.",
        "observed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "observed_where": "Class 8B, during the break",
        "others_who_know": "His form teacher.",
        "worries": "He has withdrawn from his old friends and talks about a coming fight.",
        "extremism": "right_wing",
        "person_described": "Jonas, 15, class 8B",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def prison() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


def school() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.SCHOOL)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


ClientFor = Callable[[str], Client]
