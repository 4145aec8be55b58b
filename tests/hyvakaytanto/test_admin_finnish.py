"""Every admin screen communications staff open reads as Finnish, and as grammatical Finnish:
no English left from Django or a library, and none of the forms Django's generic sentences
produce ("9 arvioitavat ehdotukset", "Muokkaa finalisti")."""

import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.admin_login import admin_login
from tests.factories.jury import StaffUserFactory

pytestmark = pytest.mark.django_db

# English that Django's admin or a library would leave on a page (whole words, as shown).
ENGLISH = [
    "Select",
    "Change",
    "Save",
    "Delete",
    "History",
    "Filter",
    "Search",
    "Action",
    "Welcome",
    "Home",
    "Recent actions",
    "Show counts",
    "View site",
    "Log out",
    "Add",
    "Yes",
    "Unknown",
    "Today",
    "Choose",
    "After you",
    "Access attempts",
    "Email addresses",
    "devices",
]
# Sentences Django builds that Finnish does not say, whatever the model.
UNGRAMMATICAL = [
    "Valitse muokattava",
    "Valitse näytettävä",
    "Muokkaa finalisti ",
    "Muokkaa kilpailuvuosi",
    "arvioitavat ehdotukset ",
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text)


def problems_on(html: str, models) -> list[str]:
    text = visible_text(html)
    found = [word for word in ENGLISH if re.search(rf"(?<![\w-]){word}(?![\w-])", text)]
    found += [phrase for phrase in UNGRAMMATICAL if phrase in text + " "]
    for model in models:
        plural = str(model._meta.verbose_name_plural)
        if re.search(rf"\b(?:[2-9]|\d\d+) {re.escape(plural)}\b", text):
            found.append(f"a count before the plural '{plural}'")
        if re.search(rf"\bMuokkaa {re.escape(str(model._meta.verbose_name))}\b", text):
            found.append(f"'Muokkaa {model._meta.verbose_name}'")
    return found


@pytest.fixture
def demo_year(settings):
    settings.DEBUG = True
    call_command("demo_data", "--phase", "deliberation", stdout=StringIO())
    settings.DEBUG = False


def test_every_changelist_and_change_form_staff_open_is_finnish(client, demo_year):
    staff = StaffUserFactory(groups=["Viestintä"])
    admin_login(client, staff)
    models = list(admin.site._registry)
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(_request(staff)):
            continue
        try:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        except NoReverseMatch:
            continue
        first = model_admin.get_queryset(_request(staff)).first()
        # Lists without a page per row (the ranking) are opened as lists only.
        if first is not None and model_admin.has_view_or_change_permission(_request(staff), first):
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )

    found = {}
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        problems = problems_on(response.content.decode(), models)
        if problems:
            found[page] = problems

    assert len(pages) > 20
    assert found == {}


def test_the_checks_catch_what_django_says_by_default():
    from jury.models import Finalist, ScoringNomination

    generic = "<h1>Muokkaa finalisti</h1><p>9 arvioitavat ehdotukset</p><a>Show counts</a>"

    assert problems_on(generic, [Finalist, ScoringNomination]) == [
        "Show counts",
        "Muokkaa finalisti ",
        "arvioitavat ehdotukset ",
        "'Muokkaa finalisti'",
        "a count before the plural 'arvioitavat ehdotukset'",
    ]


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
