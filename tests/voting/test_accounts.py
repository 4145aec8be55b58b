import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory, VoterFactory, open_finalist
from voting.models import Vote

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def code_in(email) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", email.body, flags=re.MULTILINE)
    assert match, email.body
    return match.group(1)


def test_new_voter_signs_up_with_an_emailed_code_and_votes(client, delivering):
    finalist = open_finalist()

    with delivering() as outbox:
        client.post(reverse("account_signup"), {"email": "Uusi.Aanestaja@Example.fi"})
    confirm = client.post(reverse("account_email_verification_sent"), {"code": code_in(outbox[-1])})
    client.post("/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"})

    user = get_user_model().objects.get(email__iexact="uusi.aanestaja@example.fi")
    assert confirm.status_code == 302
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert Vote.objects.get().voter == user


def test_returning_voter_signs_in_with_a_code(client, delivering):
    voter = VoterFactory()

    with delivering() as outbox:
        client.post(reverse("account_request_login_code"), {"email": voter.email.upper()})
    client.post(reverse("account_confirm_login_code"), {"code": code_in(outbox[-1])})

    assert client.get("/tili/").context["user"] == voter


def test_signing_up_again_with_the_same_address_in_other_case_makes_no_second_account(
    client, mailoutbox
):
    voter = VoterFactory(email="maija@example.fi")

    client.post(reverse("account_signup"), {"email": "MAIJA@example.fi"})

    assert get_user_model().objects.filter(email__iexact="maija@example.fi").count() == 1
    assert EmailAddress.objects.filter(email__iexact="maija@example.fi").count() == 1
    assert voter.pk == get_user_model().objects.get(email__iexact="maija@example.fi").pk


def test_staff_address_gets_no_code_and_no_sign_in_through_the_public_flow(client, delivering):
    staff = StaffUserFactory(groups=["Viestintä"])
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)

    with delivering() as outbox:
        requested = client.post(reverse("account_request_login_code"), {"email": staff.email})
        signed_up = client.post(reverse("account_signup"), {"email": staff.email.upper()})

    assert requested.status_code == signed_up.status_code == 302  # as for any address
    assert outbox == []
    assert client.get(reverse("admin:index")).status_code == 302  # not signed in


@pytest.mark.parametrize(
    "path",
    [
        "/tili/password/reset/",
        "/tili/password/reset/done/",
        "/tili/password/reset/key/1-set-password/",
        "/tili/password/change/",
        "/tili/password/set/",
    ],
)
def test_allauth_password_pages_are_gone(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "viestinta@talentia.example"}).status_code == 404


def test_sign_in_page_offers_both_ways_in_finnish(client):
    text = text_of(client.get("/tili/kirjaudu/"))

    assert "Rekisteröidy äänestäjäksi" in text
    assert "Lähetä kirjautumiskoodi" in text


def test_voter_sees_their_account_and_vote(client):
    vote = VoteFactory()
    client.force_login(vote.voter)

    text = text_of(client.get("/tili/"))

    assert vote.voter.email in text
    assert f"äänestit finalistia ”{vote.finalist.nomination.practice_name}”" in text


def test_deleting_the_account_while_voting_is_open_removes_the_vote(client):
    vote = VoteFactory()
    client.force_login(vote.voter)

    client.post("/tili/poista/")

    assert not Vote.objects.exists()
    assert not get_user_model().objects.filter(pk=vote.voter.pk).exists()


def test_deleting_the_account_after_voting_keeps_the_count(client):
    closed = CompetitionFactory(deliberation=True)
    vote = VoteFactory(finalist=FinalistFactory(nomination__competition=closed))
    client.force_login(vote.voter)

    client.post("/tili/poista/")

    vote.refresh_from_db()
    assert vote.voter is None
    assert Vote.objects.count() == 1


def test_account_deletion_needs_a_post(client):
    vote = VoteFactory()
    client.force_login(vote.voter)

    page = client.get("/tili/poista/")

    assert "Äänestys on käynnissä: myös antamasi ääni poistetaan." in text_of(page)
    assert Vote.objects.count() == 1


# --- The staff's count and integrity report -------------------------------------------------


def test_staff_see_the_tally_and_report_once_voting_has_closed(client):
    competition = CompetitionFactory(deliberation=True)
    winner = FinalistFactory(nomination__competition=competition)
    other = FinalistFactory(nomination__competition=competition)
    VoteFactory.create_batch(3, finalist=winner, competition=competition)
    VoteFactory(finalist=other, competition=competition)
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))

    response = client.get(reverse("admin:voting_votetally_change", args=[competition.pk]))

    text = text_of(response)
    assert response.status_code == 200
    assert f"{winner.nomination.practice_name} 3 75,0 %" in text
    assert "Heti luomisen jälkeen äänestäneitä tunneittain" in text


def test_nobody_sees_the_tally_while_voting_is_open(client):
    competition = CompetitionFactory(voting=True)
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))

    response = client.get(reverse("admin:voting_votetally_change", args=[competition.pk]))

    assert response.status_code == 403


def test_integrity_report_counts_accounts_that_voted_within_a_minute():
    from voting.queries import crowded_networks, quick_votes_per_hour

    finalist = open_finalist()
    competition = finalist.nomination.competition
    fresh = VoterFactory()
    old = VoterFactory()
    old.date_joined = timezone.now() - timedelta(days=3)
    old.save()
    VoteFactory(voter=fresh, finalist=finalist, network="samaverkko")
    VoteFactory(voter=old, finalist=finalist, network="samaverkko")

    quick = list(quick_votes_per_hour(competition))
    crowded = list(crowded_networks(competition, at_least=2))

    assert sum(row["count"] for row in quick) == 1
    assert [(row["network"], row["voters"]) for row in crowded] == [("samaverkko", 2)]
