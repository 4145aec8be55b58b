"""A voter's rights, answered by staff too: see everything held of them, or have it erased.
Every such answer, and a voter's own erasure, is in the audit log under a pseudonym."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import AuditEvent
from tests.admin_login import admin_login
from tests.factories.voting import VoteFactory, VoterFactory, open_finalist
from tests.pages import text_of
from voting.models import Vote

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:voting_votermailbox_changelist"


def address_in_the_log(address: str) -> bool:
    return any(
        address in json.dumps([e.actor, e.target, e.details], ensure_ascii=False)
        for e in AuditEvent.objects.all()
    )


def test_staff_find_a_voter_by_address_and_send_them_everything_held(client, staff):
    voter = VoterFactory(email="Maija.Aanestaja@example.fi")
    vote = VoteFactory(voter=voter, finalist=open_finalist())
    admin_login(client, staff)

    found = client.get(reverse(CHANGELIST), {"q": "maija.aanestaja"})
    assert "maija.aanestaja@example.fi" in text_of(found)

    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_voter_data", admin.helpers.ACTION_CHECKBOX_NAME: [voter.mailbox.pk]},
    )
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["voters"][0]["account"]["email"] == "Maija.Aanestaja@example.fi"
    assert data["voters"][0]["votes"][0]["receipt_code"] == vote.receipt_code
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == staff.username and event.target.startswith("äänestäjä ")
    assert not address_in_the_log("aanestaja@example.fi")


def test_staff_erase_a_voter_on_request_after_a_page_that_says_what_goes(client, staff):
    voter = VoterFactory(email="poistettava@example.fi")
    VoteFactory(voter=voter, finalist=open_finalist())
    admin_login(client, staff)
    selected = {
        "action": "erase_voter",
        admin.helpers.ACTION_CHECKBOX_NAME: [voter.mailbox.pk],
    }

    question = client.post(reverse(CHANGELIST), selected)
    assert "Poistoa ei voi perua" in text_of(question)
    assert get_user_model().objects.filter(pk=voter.pk).exists()

    client.post(reverse(CHANGELIST), {**selected, "apply": "1"})

    assert not get_user_model().objects.filter(pk=voter.pk).exists()
    assert not Vote.objects.exists()  # the vote is open: the vote goes with the account
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASED)
    assert event.actor == staff.username
    assert event.details == {"on_request_to_staff": True}
    assert not address_in_the_log("poistettava@example.fi")


def test_the_same_mailbox_gets_the_same_pseudonym_so_requests_can_be_matched(client, staff):
    first = VoterFactory(email="sama@example.fi")
    admin_login(client, staff)
    client.post(
        reverse(CHANGELIST),
        {"action": "export_voter_data", admin.helpers.ACTION_CHECKBOX_NAME: [first.mailbox.pk]},
    )
    client.post(
        reverse(CHANGELIST),
        {
            "action": "erase_voter",
            "apply": "1",
            admin.helpers.ACTION_CHECKBOX_NAME: [first.mailbox.pk],
        },
    )
    answered = AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.EXPORT, AuditEvent.Action.ERASED]
    )
    assert answered.count() == 2
    targets = set(answered.values_list("target", flat=True))
    assert len(targets) == 1


def test_a_voters_own_erasure_is_audited_without_their_address(client):
    voter = VoterFactory(email="itse@example.fi")
    client.force_login(voter)

    client.post(reverse("voting:account_delete"))

    assert not get_user_model().objects.filter(pk=voter.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASED)
    assert event.actor == "" and event.actor_id is None
    assert event.target.startswith("äänestäjä ")
    assert event.details == {"on_request_to_staff": False}
    assert not address_in_the_log("itse@example.fi")


def test_a_juror_has_no_voter_screen(client, juror_seat):
    admin_login(client, juror_seat.user)
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_the_voter_list_takes_the_same_queries_for_many_voters(
    client, staff, django_assert_max_num_queries
):
    finalist = open_finalist()
    VoteFactory.create_batch(30, finalist=finalist)
    admin_login(client, staff)
    client.get(reverse(CHANGELIST))  # the session and the permissions, once

    with django_assert_max_num_queries(12):
        response = client.get(reverse(CHANGELIST))

    assert str(finalist.nomination.competition.year) in text_of(response)
