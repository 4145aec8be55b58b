"""The README and the guides name the admin's menus as the admin shows them."""

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_menu_path_in_the_documents_is_in_the_admins_menu(
    superuser, staff, chair_seat, juror_seat
):
    shown = set()
    for user in (superuser, staff, chair_seat.user, juror_seat.user):
        request = RequestFactory().get("/admin/")
        request.user = user
        for app in admin.site.get_app_list(request):
            shown |= {(str(app["name"]), str(model["name"])) for model in app["models"]}
    text = " ".join(" ".join(path.read_text().split()) for path in DOCUMENTS)

    named = set(re.findall(r"\*([A-ZÄÖ][\w ]*?) → ([^*]+?)\*", text))

    assert len(named) >= 10
    assert named - shown == set()
