"""A finalist's picture: added by communications staff, drawn again by Pillow, shown with its
alternative text on the finalists' list and the finalist's own page."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from core.models import StoredFile
from jury import services
from tests.admin_login import admin_login
from tests.factories.jury import FinalistFactory
from tests.factories.voting import open_finalist

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825


def photo(colour=(30, 120, 60), size=(2000, 1500), with_location=False):
    output = io.BytesIO()
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if with_location:
        exif[0x010F] = "Kameravalmistaja"
        exif[GPS_TAG] = {1: "N", 2: (60.0, 10.0, 0.0)}
    image.save(output, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("kuva.jpg", output.getvalue(), content_type="image/jpeg")


def change_url(finalist) -> str:
    return f"/admin/jury/finalist/{finalist.pk}/change/"


def test_staff_add_a_picture_and_it_shows_with_its_text(client, staff):
    finalist = open_finalist(nomination__practice_name="Perhetyön malli")
    admin_login(client, staff)

    response = client.post(
        change_url(finalist),
        {"picture": photo(with_location=True), "picture_alt": "Kaksi työntekijää ja perhe"},
    )
    client.logout()
    finalist.refresh_from_db()
    listing = client.get("/finalistit/").content.decode()
    page = client.get("/finalistit/perhetyon-malli/").content.decode()
    served = client.get(finalist.picture.url)
    image = Image.open(io.BytesIO(served.content))

    assert response.status_code == 302
    assert f'src="{finalist.picture.url}" alt="Kaksi työntekijää ja perhe"' in listing
    assert f'src="{finalist.picture.url}" alt="Kaksi työntekijää ja perhe"' in page
    assert served["Content-Type"] == "image/jpeg"
    assert image.size == (1200, 675)
    assert dict(image.getexif()) == {}


def test_a_picture_without_its_text_is_refused_and_nothing_is_kept(client, staff):
    finalist = open_finalist()
    admin_login(client, staff)

    response = client.post(change_url(finalist), {"picture": photo(), "picture_alt": ""})

    finalist.refresh_from_db()
    assert "Kirjoita kuvalle tekstivastine" in response.content.decode()
    assert finalist.picture.name == ""
    assert not StoredFile.objects.exists()


def test_a_picture_of_too_many_pixels_is_refused(client, staff):
    finalist = open_finalist()
    admin_login(client, staff)
    output = io.BytesIO()
    Image.new("1", (8000, 8000)).save(output, "PNG")
    huge = SimpleUploadedFile("iso.png", output.getvalue(), content_type="image/png")

    response = client.post(change_url(finalist), {"picture": huge, "picture_alt": "Iso"})

    assert "Kuvassa on liikaa pikseleitä (8000 × 8000)" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_a_replaced_picture_is_erased(client, staff, django_capture_on_commit_callbacks):
    finalist = open_finalist()
    admin_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(finalist), {"picture": photo((1, 2, 3)), "picture_alt": "Eka"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(finalist), {"picture": photo((200, 2, 3)), "picture_alt": "Toka"})

    finalist.refresh_from_db()
    assert list(StoredFile.objects.values_list("name", flat=True)) == [finalist.picture.name]
    assert finalist.picture_alt == "Toka"


def test_removing_the_picture_erases_it_and_its_text(
    client, staff, django_capture_on_commit_callbacks
):
    finalist = open_finalist()
    admin_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(finalist), {"picture": photo(), "picture_alt": "Kuva"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(finalist), {"picture-clear": "on", "picture_alt": "Kuva"})

    finalist.refresh_from_db()
    assert (finalist.picture.name, finalist.picture_alt) == ("", "")
    assert not StoredFile.objects.exists()


def test_the_chair_cannot_set_a_picture(chair_seat):
    finalist = FinalistFactory(nomination__competition=chair_seat.competition)

    with pytest.raises(PermissionDenied):
        services.finalist_set_picture(finalist=finalist, picture="", alt="", by=chair_seat.user)


def test_the_database_refuses_a_picture_without_its_text():
    finalist = open_finalist()
    finalist.picture = "public/finalist-" + "a" * 24 + ".jpg"

    with pytest.raises(IntegrityError):
        finalist.save()
