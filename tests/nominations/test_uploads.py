"""Attachments that are archives (DOCX, XLSX, ODT) and the names files are downloaded with."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nominations.models import Nomination
from nominations.uploads import check_upload, safe_download_name
from tests.factories.nominations import AttachmentFactory, NominationFactory
from tests.nominations.conftest import docx_file

NOMINATE = "/ehdota/"
PDF = "application/pdf"


def zip_bomb(name: str = "raportti.docx", unpacked_mb: int = 200) -> SimpleUploadedFile:
    """A DOCX of a few hundred kilobytes whose document unpacks to ``unpacked_mb`` megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _megabyte in range(unpacked_mb):
                member.write(chunk)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def nothing_unpacked(monkeypatch):
    """Fails the test if any member of any zip archive is opened for reading."""

    def refuse(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            raise AssertionError(f"{name} was unpacked")
        return original(self, name, mode, *args, **kwargs)

    original = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_a_docx_zip_bomb_is_refused_without_unpacking_it(nothing_unpacked):
    bomb = zip_bomb()
    assert bomb.size < 1024 * 1024  # small on the wire

    with pytest.raises(ValidationError) as refused:
        check_upload(bomb)

    assert refused.value.code == "zip_bomb"


def test_an_ordinary_docx_passes(nothing_unpacked):
    checked = check_upload(docx_file())

    assert checked.extension == "docx"


def test_the_form_refuses_a_zip_bomb_in_finnish_and_keeps_the_text(client, competition, form_data):
    response = client.post(NOMINATE, {**form_data, "attachments": [zip_bomb("esite.docx")]})

    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == [
        "Tiedosto esite.docx purkautuisi avattaessa liian suureksi, joten sitä ei voi ottaa "
        "vastaan. Tallenna asiakirja uudelleen tai lähetä se PDF-muodossa."
    ]
    assert response.context["form"]["summary"].value() == form_data["summary"]
    assert not Nomination.objects.exists()


def test_a_broken_archive_that_looks_like_a_docx_is_refused():
    good = docx_file().read()
    broken = SimpleUploadedFile("rikki.docx", good[: len(good) // 2])

    with pytest.raises(ValidationError) as refused:
        check_upload(broken)

    assert refused.value.code in {"corrupt", "bad_type"}


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Hyvä käytäntö – esite.pdf", "Hyvä käytäntö - esite.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\liisa\\raportti.pdf", "raportti.pdf"),
        ('a"b;c.pdf', "a_b_c.pdf"),
        ("sivu.html", "sivu.pdf"),
        ("\r\nSet-Cookie: x=y.pdf", "Set-Cookie_ x_y.pdf"),
        ("....", "liite.pdf"),
    ],
)
def test_download_names_are_safe_and_carry_the_real_type(original, expected):
    assert safe_download_name(original, PDF) == expected


@pytest.mark.django_db
def test_a_download_is_an_attachment_with_a_safe_name(client):
    attachment = AttachmentFactory(
        nomination=NominationFactory(token="oma"), original_name='../"lasku".html'
    )

    response = client.get(f"/ehdotus/oma/liite/{attachment.pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="lasku.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == PDF
    response.close()
