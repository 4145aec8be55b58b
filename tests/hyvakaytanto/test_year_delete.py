"""A year set up by mistake is deleted after a confirmation that names it; a year with
anything attached is not, and the refusal says what is attached."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import services
from core.models import AuditEvent, Competition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.nominations import NominationFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def delete_url(year) -> str:
    return reverse("admin:hyvakaytanto_competition_delete", args=[year.pk])


def test_staff_delete_an_empty_year_after_a_confirmation_that_names_it(client, staff):
    mistake = CompetitionFactory(year=2031, draft=True, title="Hyvä käytäntö 2031")
    admin_login(client, staff)

    confirmation = client.get(delete_url(mistake))
    assert confirmation.status_code == 200
    assert "Hyvä käytäntö 2031" in text_of(confirmation)

    deleted = client.post(delete_url(mistake), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Competition.objects.filter(year=2031).exists()
    assert AuditEvent.objects.filter(action="year_deleted", target="competition:2031").exists()


def test_a_year_with_nominations_is_not_deleted_and_the_refusal_says_why(client, staff):
    year = CompetitionFactory(year=2030)
    NominationFactory(competition=year)
    admin_login(client, staff)

    refused = client.get(delete_url(year), follow=True)
    assert "Vuotta 2030 ei voi poistaa" in text_of(refused)
    assert "ehdotukset: 1" in text_of(refused).lower()
    client.post(delete_url(year), {"post": "yes"})
    assert Competition.objects.filter(year=2030).exists()

    with pytest.raises(ValidationError):
        services.competition_delete(competition=year, by=staff)
    assert Competition.objects.filter(year=2030).exists()


def test_a_year_linked_to_an_archive_entry_is_not_deleted(staff):
    from archive.models import AwardYear

    year = CompetitionFactory(year=2031, draft=True)
    AwardYear.objects.create(year=2031, competition=year)

    with pytest.raises(ValidationError) as refused:
        services.competition_delete(competition=year, by=staff)
    assert "Palkintovuodet: 1" in " ".join(refused.value.messages)
