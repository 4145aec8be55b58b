"""Validation of nomination attachments by their content, never by their name."""

from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from nominations.models import MAX_ATTACHMENT_BYTES

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
    return CheckedUpload(
        file=upload, extension=kind.extension, content_type=ALLOWED_TYPES[kind.extension]
    )
