"""A contact person's requests: a copy of their data (JSON) and its erasure, by staff."""

import json

import pytest
from django.urls import reverse

from core.models import AuditEvent
from nominations.models import Attachment, Nomination
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.nominations import AttachmentFactory, NominationFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:nominations_nomination_changelist")


@pytest.fixture
def communications(client):
    return admin_login(client, StaffUserFactory(groups=["Viestintä"]))


def act(client, action, nominations, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [n.pk for n in nominations], **extra},
    )


def test_export_gives_every_nomination_by_the_same_address_in_every_year(communications):
    first = NominationFactory(
        competition=CompetitionFactory(year=2025, published=True),
        contact_email="Liisa.L@lapha.example",
    )
    second = NominationFactory(contact_email="liisa.l@lapha.example")
    AttachmentFactory(nomination=second, original_name="esite.pdf")
    NominationFactory(contact_email="joku.muu@kunta.example")

    response = act(communications, "export_contact_data", [first])

    assert response["Content-Disposition"] == 'attachment; filename="yhteyshenkilon-tiedot.json"'
    data = json.loads(response.content)
    assert [n["year"] for n in data["nominations"]] == [2025, second.competition.year]
    assert {n["contact"]["name"] for n in data["nominations"]} == {"Maija Meikäläinen"}
    assert data["nominations"][1]["attachments"][0]["name"] == "esite.pdf"
    assert len(data["nominations"][0]["answers"]) == 4
    assert "joku.muu" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_erasure_asks_first_then_removes_the_contact_person_and_keeps_the_practice(
    communications, django_capture_on_commit_callbacks
):
    finalist = FinalistFactory()
    nomination = finalist.nomination
    AttachmentFactory(nomination=nomination)

    confirm = act(communications, "erase_contact_data", [nomination])
    assert "Poistoa ei voi perua" in confirm.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).contact_email

    with django_capture_on_commit_callbacks(execute=True):
        act(communications, "erase_contact_data", [nomination], apply="1")

    nomination.refresh_from_db()
    assert (nomination.contact_name, nomination.contact_email, nomination.contact_phone) == (
        "",
        "",
        "",
    )
    assert nomination.contact_erased_at is not None
    assert nomination.practice_name == finalist.nomination.practice_name
    assert nomination.finalist == finalist
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASED).count() == 1


def test_the_private_link_stops_working_after_erasure(client, communications):
    nomination = NominationFactory(token="poistettava-linkki")
    assert client.get("/ehdotus/poistettava-linkki/").status_code == 200

    act(communications, "erase_contact_data", [nomination], apply="1")

    assert client.get("/ehdotus/poistettava-linkki/").status_code == 404


def test_jurors_cannot_export_or_erase(client):
    nomination = NominationFactory()
    admin_login(client, StaffUserFactory())

    exported = act(client, "export_contact_data", [nomination])
    erased = act(client, "erase_contact_data", [nomination], apply="1")

    assert exported.status_code == 403
    assert erased.status_code == 403
    assert Nomination.objects.get(pk=nomination.pk).contact_email
