"""What a file attached to a concern or a case may be. One check for both: the type is decided
from the file's name and its first bytes (and, for Word and OpenDocument files, their inside),
never from what the browser says."""

import codecs
import zipfile
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A file as Django hands it over from a form.
type Upload = UploadedFile[bytes]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
_ZIP = b"PK\x03\x04"
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (_ZIP,),
    "odt": (_ZIP,),
}


class AttachmentRefused(Exception):
    """A file that is not of an allowed type, is too large, or is one too many."""


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _looks_like_text(upload: Upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_holds(upload: Upload, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == ALLOWED_TYPES["odt"].encode()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def check_attachment(upload: Upload, *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> str:
    """The content type of an allowed file; raises AttachmentRefused with a message that names
    the file otherwise."""
    name = upload.name or ""
    size = upload.size or 0
    if size > max_bytes:
        raise AttachmentRefused(_("“%(name)s” is %(size)s; each file may be at most %(limit)s.") % {
            "name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)})
    extension = extension_of(name)
    if extension not in ALLOWED_TYPES:
        raise AttachmentRefused(_(
            "“%(name)s” is not a type we accept. Attach PDF, JPEG, PNG, plain text (.txt), Word (.docx) or "
            "OpenDocument (.odt) files."
        ) % {"name": name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == "txt":
        ok = not any(head.startswith(magic) for magics in _MAGIC.values() for magic in magics) and \
            _looks_like_text(upload)
    else:
        ok = any(head.startswith(magic) for magic in _MAGIC[extension])
        if ok and extension in {"docx", "odt"}:
            ok = _zip_holds(upload, extension)
    upload.seek(0)
    if not ok:
        raise AttachmentRefused(_(
            "“%(name)s” does not contain what its name says (a .%(extension)s file). Check that it is the right "
            "file, or save it again in that format."
        ) % {"name": name, "extension": extension})
    return ALLOWED_TYPES[extension]
