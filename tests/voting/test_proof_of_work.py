"""The sign-in's proof of work: a solved challenge is accepted once, a forged or reused one
is refused in Finnish with the address kept, and a request without one still works but is
held to a stricter limit per network and its vote is flagged."""

import base64
import json

import pytest

from tests.pages import text_of
from tests.proof_of_work import solve, solved_for
from tests.voting.test_accounts import code_in, last_code_message
from voting.models import VoterMailbox

pytestmark = pytest.mark.django_db


def ask(client, address: str, **proof):
    return client.post("/tili/kirjaudu/", {"email": address, **proof})


def test_the_challenge_is_fresh_signed_and_never_cached(client, settings):
    first = client.get("/tili/kirjaudu/haaste/")
    second = client.get("/tili/kirjaudu/haaste/")

    assert first.status_code == 200
    assert first["Cache-Control"] == "no-store"
    assert first.json()["algorithm"] == "SHA-256"
    assert first.json()["maxNumber"] == settings.PROOF_OF_WORK_MAX_NUMBER
    assert first.json()["signature"] != second.json()["signature"]
    assert "expires=" in first.json()["salt"]


def test_a_solved_challenge_sends_the_code_and_nothing_is_flagged(client, delivering):
    with delivering() as outbox:
        asked = ask(client, "liisa@example.fi", altcha=solved_for(client))

    assert asked["Location"] == "/tili/kirjaudu/koodi/"
    assert code_in(last_code_message(outbox))
    assert VoterMailbox.objects.get().code_without_proof_at is None


def test_a_solution_is_accepted_once(client, delivering):
    solution = solved_for(client)
    with delivering() as outbox:
        ask(client, "liisa@example.fi", altcha=solution)
    assert len(outbox) == 1

    with delivering():
        again = ask(client, "matti@example.fi", altcha=solution)

    assert again.status_code == 200
    assert "Selaimen tarkistus ei mennyt läpi tai se on jo käytetty" in text_of(again)
    assert 'value="matti@example.fi"' in again.content.decode()  # the address is kept
    assert [message.to for message in outbox] == [["liisa@example.fi"]]  # none to matti


@pytest.mark.parametrize(
    "payload",
    [
        "roskaa",
        base64.b64encode(b"[1, 2]").decode(),
        base64.b64encode(b'{"algorithm": "SHA-256"}').decode(),
        base64.b64encode(json.dumps({"number": 1, "salt": None}).encode()).decode(),
        "\x00",
        base64.b64encode(b"[" * 100_000).decode(),
        base64.b64encode(b'"' + b"a" * 5000 + b'"').decode(),
    ],
    ids=["not-base64", "a-list", "fields-missing", "wrong-types", "nul", "nested", "huge"],
)
def test_a_forged_solution_is_refused_in_finnish_never_a_500(client, payload):
    answer = ask(client, "liisa@example.fi", altcha=payload)

    assert answer.status_code in {200, 400}
    assert "500" not in str(answer.status_code)
    if answer.status_code == 200:
        assert "Selaimen tarkistus ei mennyt läpi" in text_of(answer)
    assert not VoterMailbox.objects.exists()


def test_a_solution_of_a_challenge_signed_elsewhere_is_refused(client):
    challenge = client.get("/tili/kirjaudu/haaste/").json()
    challenge["signature"] = "0" * 64

    answer = ask(client, "liisa@example.fi", altcha=solve(challenge))

    assert "Selaimen tarkistus ei mennyt läpi" in text_of(answer)


def test_without_javascript_the_code_is_sent_but_the_mailbox_is_marked(client, delivering):
    with delivering() as outbox:
        asked = ask(client, "ilman.skriptia@example.fi")

    assert asked["Location"] == "/tili/kirjaudu/koodi/"
    assert code_in(last_code_message(outbox))
    assert VoterMailbox.objects.get().code_without_proof_at is not None


def test_without_the_proof_one_network_gets_only_a_few_codes_an_hour(client, delivering, settings):
    settings.CODES_WITHOUT_PROOF_PER_NETWORK_PER_HOUR = 2
    with delivering():
        for n in range(2):
            ask(client, f"henkilo{n}@example.fi")

    refused = ask(client, "kolmas@example.fi")
    with_proof = ask(client, "neljas@example.fi", altcha=solved_for(client))

    assert "Salli sivulla JavaScript tai yritä tunnin kuluttua" in text_of(refused)
    assert 'value="kolmas@example.fi"' in refused.content.decode()
    assert with_proof.status_code == 302


def test_the_sign_in_page_carries_the_widget_and_links_the_rules(client):
    page = client.get("/tili/kirjaudu/")
    html = page.content.decode()

    assert '<altcha-widget challengeurl="/tili/kirjaudu/haaste/"' in html
    assert "/static/vendor/altcha/altcha.js" in html
    assert "En ole robotti" in html
    assert 'href="/aanestyksen-saannot/"' in html


def test_an_address_too_long_for_the_accounts_is_refused_in_finnish(client):
    address = "a" * 290 + "@example.fi"

    answer = ask(client, address, altcha=solved_for(client))

    assert answer.status_code == 200
    assert "Sähköpostiosoite on liian pitkä: enintään 254 merkkiä." in text_of(answer)
    assert not VoterMailbox.objects.exists()


def test_a_busy_network_is_told_about_its_network_not_about_a_mailbox(client, settings):
    settings.LOGIN_CODES_PER_CLIENT_PER_MINUTE = 2
    for n in range(2):
        ask(client, f"kollega{n}@example.fi", altcha=solved_for(client))

    third = ask(client, "kolmas.kollega@example.fi", altcha=solved_for(client))

    assert "Verkostasi on juuri pyydetty monta kirjautumiskoodia" in text_of(third)
    assert "Tähän osoitteeseen on jo lähetetty" not in text_of(third)
    assert 'value="kolmas.kollega@example.fi"' in third.content.decode()
