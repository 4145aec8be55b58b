import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Criterion
from tests.factories.nominations import PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_file(name: str = "arviointi.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_file(name: str = "raportti.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def valid_form_data(**overrides) -> dict:
    data = {
        "practice_name": "Asiakastyön menetelmäkorteilla osallisuutta",
        "summary": "Menetelmäkortit tukevat asiakkaan osallisuutta sosiaalityössä.",
        "organisations": "VOITTO – Voimavaroja, toimintakykyä ja osallisuutta Lappiin",
        "region": "lappi",
        "innokyla_url": "https://www.innokyla.fi/fi/toimintamalli/menetelmakortit",
        "target_group": "Aikuissosiaalityön asiakkaat",
        "contact_name": "Liisa Lappalainen",
        "contact_title": "Johtava sosiaalityöntekijä",
        "contact_email": "liisa.lappalainen@lapha.example",
        "contact_phone": "+358 40 765 4321",
        "publish_consent": "on",
        "privacy_acknowledged": "on",
        "website": "",
    }
    for criterion in Criterion.objects.all():
        data[f"criterion_{criterion.number}"] = f"Perustelu kriteerille {criterion.name_fi}."
    data.update(overrides)
    return data


@pytest.fixture
def form_data(db):
    return valid_form_data()
