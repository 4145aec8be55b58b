"""The audit log: what is recorded, that it cannot be rewritten, and who can read it."""

from datetime import UTC, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory
from tests.factories.voting import VoterFactory
from tests.jury.conftest import sheet

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def test_the_log_cannot_be_rewritten_or_emptied_through_the_application():
    event = audit.record(Action.EXPORT, target="ehdotukset-2027.csv")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target="jotain muuta")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.target == "ehdotukset-2027.csv"


def test_only_events_older_than_the_retention_can_be_pruned():
    old = audit.record(Action.LOGIN)
    recent = audit.record(Action.LOGIN)
    # A row as it will be after two years (inserting with a time is allowed, changing is not).
    ancient = AuditEvent.objects.create(
        action=Action.LOGIN, at=timezone.now() - audit.RETENTION - timedelta(days=1)
    )

    assert audit.prune() == 1

    assert not AuditEvent.objects.filter(pk=ancient.pk).exists()
    assert AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2


def test_a_score_change_is_recorded_with_who_and_what(client):
    seat = JuryMemberFactory(competition=CompetitionFactory(review=True))
    nomination = NominationFactory(competition=seat.competition)
    admin_login(client, seat.user)

    client.post(
        reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet(value=4)
    )
    client.post(
        reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet(value=2)
    )

    events = AuditEvent.objects.filter(action=Action.SCORE_SAVED).order_by("at", "pk")
    assert [e.actor for e in events] == [seat.user.username] * 2
    assert [set(e.details["scores"].values()) for e in events] == [{4}, {2}]
    assert events[0].target == str(nomination)


def test_a_refused_page_is_recorded(client):
    juror = JuryMemberFactory(competition=CompetitionFactory(review=True)).user
    admin_login(client, juror)

    response = client.get(reverse("admin:hyvakaytanto_auditevent_changelist"))

    assert response.status_code == 403
    refused = AuditEvent.objects.get(action=Action.REFUSED)
    assert refused.actor == juror.username
    assert refused.target == reverse("admin:hyvakaytanto_auditevent_changelist")


def test_an_export_of_personal_data_is_recorded(staff_client, staff_user):
    competition = CompetitionFactory()
    NominationFactory.create_batch(2, competition=competition)

    staff_client.get(reverse("admin:nominations_nomination_export", args=[competition.pk, "csv"]))

    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor == staff_user.username
    assert export.details == {"rows": 2}


def test_communications_staff_read_the_log_in_utc(client):
    audit.record(Action.RESULTS_PUBLISHED, target="Hyvä käytäntö 2027")
    event = AuditEvent.objects.get()
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))

    page = client.get(reverse("admin:hyvakaytanto_auditevent_changelist")).content.decode()

    assert "Tulokset julkaistu" in page
    assert event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") in page


def test_the_log_keeps_no_voters_e_mail_address():
    voter = VoterFactory()
    event = audit.record(Action.LOGIN, actor=voter)

    assert voter.email not in event.actor
    assert event.actor == f"äänestäjä #{voter.pk}"


def test_a_voters_sign_in_is_not_logged_but_a_staff_sign_in_is(client):
    voter = VoterFactory()
    staff = StaffUserFactory(groups=["Viestintä"])

    client.force_login(voter)
    client.force_login(staff)

    assert list(AuditEvent.objects.values_list("action", "actor")) == [
        (Action.LOGIN, staff.username)
    ]
