"""Attachments: allowed types by name and content, size and number limits, and downloads
only within the need-to-know."""


import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from infohus.accounts.models import User
from infohus.audit.models import AuditEvent
from infohus.cases.models import Concern, ConcernAttachment
from infohus.cases.services.concerns import (
    MAX_ATTACHMENT_BYTES,
    AttachmentRefused,
    add_attachments,
    check_attachment,
)
from infohus.cases.tests.concerns_helpers import (  # noqa: F401
    PDF,
    PNG,
    ClientFor,
    concern_post,
    docx_bytes,
    media_root,
    prison,
    upload,
)
from infohus.cases.tests.factories import make_concern

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/desk/concerns/new/"


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("report.pdf", PDF, "application/pdf"),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ("photo.jpeg", b"\xff\xd8\xff\xe1" + b"\x00" * 20, "image/jpeg"),
    ("screen.png", PNG, "image/png"),
    ("notes.txt", "Han sagde: »det er krig«".encode(), "text/plain; charset=utf-8"),
    ("letter.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_allowed_files_are_accepted_with_their_own_type(name: str, content: bytes, expected: str) -> None:
    assert check_attachment(upload(name, content, "application/x-anything")) == expected


@pytest.mark.parametrize(("name", "content"), [
    ("run.exe", b"MZ\x90\x00"),
    ("page.html", b"<html></html>"),
    ("archive.zip", docx_bytes()),
    ("no-extension", PDF),
])
def test_disallowed_types_are_refused(name: str, content: bytes) -> None:
    with pytest.raises(AttachmentRefused, match="is not a type we accept"):
        check_attachment(upload(name, content))


@pytest.mark.parametrize(("name", "content"), [
    ("fake.pdf", b"MZ\x90\x00 an executable"),
    ("fake.png", PDF),
    ("fake.jpg", PNG),
    ("binary.txt", b"\x00\x01\x02\x03"),
    ("pdf-in-disguise.txt", PDF),
    ("latin1.txt", "smørrebrød".encode("latin-1")),
    ("plain-zip.docx", b"PK\x03\x04 not really a zip"),
])
def test_content_that_does_not_match_the_name_is_refused(name: str, content: bytes) -> None:
    with pytest.raises(AttachmentRefused, match="does not contain what its name says"):
        check_attachment(upload(name, content))


def test_a_file_over_ten_megabytes_is_refused() -> None:
    big = upload("scan.pdf", PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1))
    with pytest.raises(AttachmentRefused, match="each file may be at most 10.0"):
        check_attachment(big)


def test_a_file_of_exactly_ten_megabytes_is_accepted() -> None:
    assert check_attachment(upload("scan.pdf", PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF)))) == "application/pdf"


def test_form_refuses_a_disallowed_file_with_a_message_and_keeps_the_text(signed_in: ClientFor) -> None:
    response = signed_in("rasmus").post(URL, concern_post(attachments=[upload("virus.exe", b"MZ")]))

    page = response.content.decode()
    assert "Attachments: “virus.exe” is not a type we accept." in page
    assert "Class 8B, during the break" in page
    assert 'data-testid="files-dropped"' in page
    assert not Concern.objects.exists()


def test_form_refuses_an_oversized_file_with_a_message(signed_in: ClientFor) -> None:
    big = upload("scan.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)

    response = signed_in("rasmus").post(URL, concern_post(attachments=[big]))

    assert "“scan.pdf” is 10.0\xa0MB; each file may be at most 10.0\xa0MB." in response.content.decode()
    assert not Concern.objects.exists()


def test_form_refuses_more_than_five_files(signed_in: ClientFor) -> None:
    files = [upload(f"page{n}.pdf", PDF) for n in range(6)]

    response = signed_in("rasmus").post(URL, concern_post(attachments=files))

    assert "A concern can have at most 5 attachments; you chose 6." in response.content.decode()
    assert not Concern.objects.exists()


def test_the_service_counts_attachments_already_stored(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    add_attachments(concern=concern, uploads=[upload(f"p{n}.pdf", PDF) for n in range(4)],
                    uploaded_by=people["rasmus"])

    with pytest.raises(AttachmentRefused, match="at most 5"):
        add_attachments(concern=concern, uploads=[upload("a.pdf", PDF), upload("b.pdf", PDF)],
                        uploaded_by=people["rasmus"])
    assert concern.attachments.count() == 4


def test_stored_name_does_not_repeat_the_original(people: dict[str, User]) -> None:
    concern = make_concern(reporter=people["rasmus"])
    [stored] = add_attachments(concern=concern, uploads=[upload("Jonas Testesen.pdf", PDF)],
                               uploaded_by=people["rasmus"])

    assert "Jonas" not in stored.file.name
    assert stored.original_name == "Jonas Testesen.pdf"


def _attached(concern: Concern) -> ConcernAttachment:
    attachment = ConcernAttachment(concern=concern, original_name="notes.txt", content_type="text/plain", size=5)
    attachment.file.save("matrix.txt", ContentFile(b"notes"), save=False)
    attachment.save()
    return attachment


def _download_url(attachment: ConcernAttachment) -> str:
    return reverse("cases:concern_attachment", args=[attachment.concern_id, attachment.pk])


def test_resource_person_downloads_an_attachment_of_her_institution(
        people: dict[str, User], signed_in: ClientFor) -> None:
    attachment = _attached(make_concern(reporter=people["rasmus"], status=Concern.Status.LOCAL_ASSESSMENT,
                                        institution=prison()))

    response = signed_in("rikke").get(_download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"notes"  # type: ignore[attr-defined]
    assert 'attachment; filename="notes.txt"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="concern.attachment_downloaded", actor_username="rikke").exists()


def test_info_house_downloads_once_the_concern_reaches_triage(people: dict[str, User], signed_in: ClientFor) -> None:
    attachment = _attached(make_concern(reporter=people["rasmus"]))

    assert signed_in("ida").get(_download_url(attachment)).status_code == 200


def test_info_house_cannot_download_while_the_concern_is_assessed_locally(
        people: dict[str, User], signed_in: ClientFor) -> None:
    attachment = _attached(make_concern(reporter=people["rasmus"], status=Concern.Status.LOCAL_ASSESSMENT,
                                        institution=prison()))

    assert signed_in("ida").get(_download_url(attachment)).status_code == 404
    event = AuditEvent.objects.get(action="concern.refused")
    assert event.actor_username == "ida" and event.details == {"exists": True}


def test_attachment_of_another_concern_is_not_reached_through_a_visible_one(
        people: dict[str, User], signed_in: ClientFor) -> None:
    visible = make_concern(reporter=people["rasmus"], status=Concern.Status.LOCAL_ASSESSMENT, institution=prison())
    hidden = _attached(make_concern(reporter=people["rasmus"]))

    url = reverse("cases:concern_attachment", args=[visible.pk, hidden.pk])

    assert signed_in("rikke").get(url).status_code == 404


def test_reporter_cannot_download_from_the_status_page(people: dict[str, User], signed_in: ClientFor) -> None:
    attachment = _attached(make_concern(reporter=people["rasmus"]))

    assert signed_in("rasmus").get(_download_url(attachment)).status_code == 403


