"""Validation of nomination attachments by their content, never by their name."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from nominations.models import MAX_ATTACHMENT_BYTES, Attachment

# Detected extension -> the MIME type the file is served with.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
ALLOWED_LABEL = "PDF, DOCX, ODT, XLSX, PNG, JPEG"
_SNIFF_BYTES = 8192

# DOCX, XLSX and ODT files are zip archives. Their table of contents is read (nothing is ever
# unpacked here) and a file is refused if opening it would unpack more than this: a "zip bomb"
# of a few megabytes can expand to gigabytes in the reader's program.
ZIP_TYPES = {"docx", "xlsx", "odt"}
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
# Compression ratio allowed for a member over 1 MB unpacked; real documents stay far below.
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM = 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    extension: str
    content_type: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Return the upload with its real type, or raise a Finnish ValidationError."""
    if upload.size == 0:
        raise ValidationError(
            _("Tiedosto %(name)s on tyhjä."), code="empty", params={"name": upload.name}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Tiedosto %(name)s on liian suuri (%(size)s). Suurin sallittu koko on %(max)s."),
            code="too_large",
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_ATTACHMENT_BYTES),
            },
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Tiedoston %(name)s sisältö ei ole sallittua tyyppiä. Sallitut tyypit: %(allowed)s."),
            code="bad_type",
            params={"name": upload.name, "allowed": ALLOWED_LABEL},
        )
    if kind.extension in ZIP_TYPES:
        _check_zip(upload)
    return CheckedUpload(
        file=upload, extension=kind.extension, content_type=ALLOWED_TYPES[kind.extension]
    )


def _check_zip(upload: UploadedFile) -> None:
    """Refuse an archive that would unpack too much, from its table of contents alone."""
    too_big = ValidationError(
        _(
            "Tiedosto %(name)s purkautuisi avattaessa liian suureksi, joten sitä ei voi "
            "ottaa vastaan. Tallenna asiakirja uudelleen tai lähetä se PDF-muodossa."
        ),
        code="zip_bomb",
        params={"name": upload.name},
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise ValidationError(
            _("Tiedosto %(name)s on vioittunut. Tallenna se uudelleen ja lähetä uudestaan."),
            code="corrupt",
            params={"name": upload.name},
        ) from None
    finally:
        upload.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise too_big
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise too_big
    for member in members:
        if member.file_size > _RATIO_CHECK_FROM and (
            member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise too_big


def safe_download_name(original_name: str, content_type: str) -> str:
    """The name an attachment is downloaded with: the uploader's name without any folder,
    control or quoting characters, and the extension of the file's real type (a PDF named
    "x.html" downloads as "x.pdf")."""
    stem = PureWindowsPath(PurePosixPath(original_name).name).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFC", stem).replace("–", "-").replace("—", "-")
    stem = re.sub(r"[^\w\-. ()]+", "_", stem, flags=re.UNICODE).strip(" ._")[:100] or "liite"
    extension = next((ext for ext, mime in ALLOWED_TYPES.items() if mime == content_type), "bin")
    return f"{stem}.{extension}"


def attachment_response(attachment: Attachment) -> FileResponse:
    """Send an attachment as a download; callers check who may have it."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=safe_download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
