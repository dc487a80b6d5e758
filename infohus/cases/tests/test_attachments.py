"""The one check of attached files, shared by concerns and cases."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from infohus.cases.attachments import AttachmentRefused, check_attachment


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_opendocument_text_is_accepted() -> None:
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    assert check_attachment(SimpleUploadedFile("plan.odt", odt)) == "application/vnd.oasis.opendocument.text"


def test_a_zip_named_docx_without_a_document_is_refused() -> None:
    with pytest.raises(AttachmentRefused, match="does not contain what its name says"):
        check_attachment(SimpleUploadedFile("plan.docx", _zip({"other.txt": b"x"})))


def test_the_size_limit_is_the_callers() -> None:
    with pytest.raises(AttachmentRefused, match="each file may be at most"):
        check_attachment(SimpleUploadedFile("a.txt", b"hello world"), max_bytes=5)
