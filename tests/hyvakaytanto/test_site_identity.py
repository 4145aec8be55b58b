"""The site's name, colour, logo and icon, set by communications staff in the admin."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import services
from core.colours import DEFAULT_COLOUR, Palette, contrast_with_white
from core.models import SiteSettings, StoredFile
from tests.admin_login import admin_login

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/hyvakaytanto/sitesettings/1/change/"


def picture(name="kuva.png", size=(600, 300), colour=(200, 30, 30), fmt="PNG", exif=None):
    output = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(output, fmt, exif=exif)
    else:
        image.save(output, fmt)
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def form_data(**changes):
    return {"name": "", "primary_colour": DEFAULT_COLOUR, **changes}


def test_the_stylesheets_default_shades_are_those_the_code_derives():
    css = Path(settings.BASE_DIR, "core/static/css/site.css").read_text()
    palette = Palette.of(DEFAULT_COLOUR)

    declared = dict(re.findall(r"--(hk-accent[a-z-]*|bs-link-hover-color-rgb): ([^;]+);", css))

    assert declared["hk-accent"] == palette.base
    assert declared["hk-accent-dark"] == palette.hover
    assert declared["hk-accent-active"] == palette.active
    assert declared["hk-accent-disabled"] == palette.disabled
    assert declared["hk-accent-rgb"] == palette.rgb
    assert declared["bs-link-hover-color-rgb"] == palette.hover_rgb
    assert contrast_with_white(palette.base) >= 4.5


def test_without_settings_every_page_has_the_default_identity(client):
    html = client.get("/").content.decode()

    assert '<meta name="theme-color" content="#5b2a86">' in html
    assert "/static/img/logo.svg" in html
    assert "/static/img/favicon-32.png" in html
    assert "/sivusto/teema-" not in html
    assert ">Hyvä käytäntö</a>" in html


def test_staff_set_name_colour_logo_and_icon_and_every_page_takes_them(client, staff):
    admin_login(client, staff)
    response = client.post(
        CHANGE_URL,
        form_data(
            name="Talentian Hyvä käytäntö",
            primary_colour="#0B5563",
            logo=picture("logo.png", size=(900, 300)),
            icon=picture("ikoni.png", size=(400, 300)),
        ),
    )
    client.logout()

    html = client.get("/arkisto/").content.decode()
    theme = client.get("/sivusto/teema-0b5563.css")
    logo_url = re.search(r'<img class="site-logo" src="([^"]+)"', html).group(1)
    icon_url = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    logo = client.get(logo_url)
    icon = client.get(icon_url)

    assert response.status_code == 302
    assert ">Talentian Hyvä käytäntö</a>" in html
    assert '<link rel="stylesheet" href="/sivusto/teema-0b5563.css">' in html
    assert '<meta name="theme-color" content="#0b5563">' in html
    assert "--hk-accent:#0b5563;" in theme.content.decode()
    assert theme["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in theme["Cache-Control"] and "public" in theme["Cache-Control"]
    assert logo["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(logo.content)).size == (288, 96)
    assert Image.open(io.BytesIO(icon.content)).size == (180, 180)
    assert f'<link rel="apple-touch-icon" href="{icon_url}">' in html
    assert not (logo.cookies or icon.cookies or theme.cookies)


def test_the_name_shows_in_every_language_as_soon_as_it_is_saved(client):
    client.get("/en/")
    services.site_settings_save(site_settings=SiteSettings(name="Talentian Hyvä käytäntö"))

    html = client.get("/en/").content.decode()

    assert ">Talentian Hyvä käytäntö</a>" in html


def test_a_colour_white_text_cannot_stand_on_is_refused_in_finnish(client, staff):
    admin_login(client, staff)

    response = client.post(CHANGE_URL, form_data(name="Uusi nimi", primary_colour="#f2c14e"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Väri on liian vaalea" in html and "1,7:1" in html
    assert 'value="Uusi nimi"' in html
    assert not SiteSettings.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_kept(client, staff):
    admin_login(client, staff)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")

    response = client.post(CHANGE_URL, form_data(name="Uusi nimi", logo=fake))

    assert "Tiedosto ei ole kuva, jonka voisi avata" in response.content.decode()
    assert not StoredFile.objects.exists()
    assert not SiteSettings.objects.exists()


def test_a_replaced_logo_is_erased(client, staff, django_capture_on_commit_callbacks):
    admin_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGE_URL, form_data(logo=picture(colour=(10, 10, 10))))
    first = SiteSettings.objects.get().logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGE_URL, form_data(logo=picture(colour=(90, 10, 10))))

    second = SiteSettings.objects.get().logo.name
    assert first != second
    assert list(StoredFile.objects.values_list("name", flat=True)) == [second]
    assert client.get("/sivusto/" + first.removeprefix("public/")).status_code == 404


def test_only_public_pictures_are_served_never_an_attachment(client):
    StoredFile.objects.create(name="attachments/2026/liite.pdf", content=b"%PDF-1.4", size=8)

    assert client.get("/sivusto/liite.pdf").status_code == 404
    assert client.get("/sivusto/../attachments/2026/liite.pdf").status_code == 404
    assert client.get("/sivusto/logo-" + "0" * 24 + ".png").status_code == 404


def test_a_juror_cannot_change_the_identity(client, juror_seat):
    admin_login(client, juror_seat.user)

    response = client.post(CHANGE_URL, form_data(name="Kaapattu"))

    assert response.status_code == 403
    assert not SiteSettings.objects.exists()


def test_staff_open_the_one_row_from_the_admin_list(client, staff):
    admin_login(client, staff)

    listing = client.get("/admin/hyvakaytanto/sitesettings/")
    page = client.get(CHANGE_URL)

    assert listing.status_code == 302 and listing["Location"] == CHANGE_URL
    assert page.status_code == 200
    assert "Pääväri" in page.content.decode()
    assert not SiteSettings.objects.exists()


def test_a_second_row_is_refused_by_the_database():
    from django.db import IntegrityError

    SiteSettings.objects.create()
    with pytest.raises(IntegrityError):
        SiteSettings.objects.create(id=2)
