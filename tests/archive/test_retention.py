"""The daily retention command erases an old year's personal data and keeps its archive."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from archive import services
from core.models import AuditEvent
from nominations.models import Attachment, Nomination
from tests.factories.nominations import AttachmentFactory, NominationFactory
from voting.models import Vote
from voting.queries import tally

pytestmark = pytest.mark.django_db

PAGES = ["/arkisto/", "/arkisto/2027/", "/tulokset/2027/", "/", "/sv/tulokset/2027/"]


def pages(client) -> dict[str, str]:
    """The public pages of the year, without the per-request CSRF token of the language form."""
    return {
        url: re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode()
        )
        for url in PAGES
    }


@pytest.fixture
def old_year(closed_year, staff, settings):
    """Year 2027, published 400 days ago, with an attachment and a nomination that did not
    make the shortlist."""
    settings.VOTER_DATA_RETENTION_DAYS = 90
    settings.NOMINATION_CONTACT_RETENTION_DAYS = 365
    services.results_publish(competition=closed_year, by=staff)
    closed_year.results_published_at = timezone.now() - timedelta(days=400)
    closed_year.save(update_fields=["results_published_at"])
    NominationFactory(competition=closed_year, practice_name="Ei finalisti")
    AttachmentFactory(nomination=closed_year.nominations.first())
    return closed_year


def test_retention_erases_personal_data_and_leaves_the_archive_pages_identical(
    client, old_year, django_capture_on_commit_callbacks
):
    before = pages(client)
    counts_before = [(row.finalist.pk, row.votes) for row in tally(old_year)]
    stored_file = Attachment.objects.get().file.name
    storage = Attachment.objects.get().file.storage
    voters = list(get_user_model().objects.filter(is_staff=False).values_list("email", flat=True))
    assert len(voters) == 15

    assert "Perhe yhtenäiseksi" in before["/tulokset/2027/"]  # the pages show this year

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", stdout=StringIO())

    assert pages(client) == before
    assert [(row.finalist.pk, row.votes) for row in tally(old_year)] == counts_before
    assert Vote.objects.count() == 15
    assert not get_user_model().objects.filter(is_staff=False).exists()
    assert not EmailAddress.objects.filter(email__in=voters).exists()
    assert set(Vote.objects.values_list("voter", "network")) == {(None, "")}
    contacts = Nomination.objects.values_list(
        "contact_name", "contact_title", "contact_email", "contact_phone"
    )
    assert set(contacts) == {("", "", "", "")}
    assert not Attachment.objects.exists()
    assert not storage.exists(stored_file)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION).exists()


def test_retention_leaves_a_recent_year_alone(client, closed_year, staff, settings):
    settings.NOMINATION_CONTACT_RETENTION_DAYS = 365
    services.results_publish(competition=closed_year, by=staff)

    call_command("apply_retention", stdout=StringIO())

    assert not Nomination.objects.filter(contact_email="").exists()
    assert Vote.objects.filter(voter__isnull=False).count() == 15


def test_retention_deletes_failed_sign_ins_once_they_no_longer_lock(client, settings):
    from axes.models import AccessAttempt
    from django.urls import reverse

    from tests.factories.jury import StaffUserFactory

    juror = StaffUserFactory()
    client.post(reverse("admin:login"), {"username": juror.username, "password": "väärin"})
    assert AccessAttempt.objects.count() == 1

    call_command("apply_retention", stdout=StringIO())
    assert AccessAttempt.objects.count() == 1  # still counting towards a lockout

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    call_command("apply_retention", stdout=StringIO())
    assert AccessAttempt.objects.count() == 0


def test_retention_clears_expired_sessions_and_keeps_live_ones(client):
    from django.contrib.sessions.models import Session

    from tests.factories.voting import VoterFactory

    client.force_login(VoterFactory())
    live = client.session.session_key
    Session.objects.create(
        session_key="vanhentunut", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )

    call_command("apply_retention", stdout=StringIO())

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
