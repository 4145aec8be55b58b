import itertools
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory, VoterFactory, open_finalist
from tests.pages import text_of
from voting.models import Vote

pytestmark = pytest.mark.django_db


CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", flags=re.MULTILINE)


def code_in(email) -> str:
    match = CODE.search(email.body)
    assert match, email.body
    return match.group(1)


def last_code_message(outbox):
    return next(message for message in reversed(outbox) if CODE.search(message.body))


def sign_in(client, address: str, delivering) -> None:
    """The one door: the address, then the code from the e-mail."""
    with delivering() as outbox:
        client.post("/tili/kirjaudu/", {"email": address})
    client.post("/tili/kirjaudu/koodi/", {"code": code_in(last_code_message(outbox))})


def test_a_new_voter_enters_an_address_and_the_code_and_votes(client, delivering):
    finalist = open_finalist()

    with delivering() as outbox:
        asked = client.post("/tili/kirjaudu/", {"email": "Uusi.Aanestaja@Example.fi"})
    confirm = client.post(asked["Location"], {"code": code_in(outbox[-1])})
    client.post("/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"})

    user = get_user_model().objects.get(email__iexact="uusi.aanestaja@example.fi")
    assert asked["Location"] == "/tili/kirjaudu/koodi/"
    assert confirm.status_code == 302
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert Vote.objects.get().voter == user


@pytest.mark.parametrize("alias", ["Liisa+x@Gmail.com", "l.iisa@gmail.com", "liisa@googlemail.com"])
def test_an_alias_of_a_mailbox_that_has_voted_reaches_the_same_account(client, delivering, alias):
    finalist = open_finalist()
    sign_in(client, "liisa@gmail.com", delivering)
    client.post("/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"})
    client.post("/tili/ulos/")

    with delivering() as outbox:
        client.post("/tili/kirjaudu/", {"email": alias})
    message = last_code_message(outbox)
    client.post("/tili/kirjaudu/koodi/", {"code": code_in(message)})
    page = client.get("/finalistit/")

    assert message.to == [alias.lower()]  # the code goes where it was asked for
    assert page.context["user"].email == "liisa@gmail.com"
    assert "Kiitos äänestäsi!" in text_of(page)
    assert get_user_model().objects.filter(is_staff=False).count() == 1
    assert Vote.objects.count() == 1


def test_dots_and_tags_elsewhere_are_other_mailboxes_but_case_is_not(client, delivering):
    sign_in(client, "maija.m@example.fi", delivering)
    client.post("/tili/ulos/")
    sign_in(client, "MAIJA.M@example.fi", delivering)
    client.post("/tili/ulos/")
    sign_in(client, "maijam@example.fi", delivering)

    assert sorted(get_user_model().objects.values_list("email", flat=True)) == [
        "maija.m@example.fi",
        "maijam@example.fi",
    ]


def test_a_disposable_mailbox_is_refused_in_finnish_and_the_address_is_kept(client, mailoutbox):
    response = client.post("/tili/kirjaudu/", {"email": "testi@mailinator.com"})

    assert response.status_code == 200
    assert "Kertakäyttöisten sähköpostipalvelujen osoitteilla ei voi äänestää" in text_of(response)
    assert 'value="testi@mailinator.com"' in response.content.decode()
    assert not get_user_model().objects.exists()


def test_no_user_name_shows_on_a_voters_pages_or_messages(client, delivering):
    finalist = open_finalist()
    sign_in(client, "aanestaja.testi@example.fi", delivering)
    user = get_user_model().objects.get(is_staff=False)
    pages = [
        client.get("/finalistit/", follow=True),
        client.post(
            "/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"}, follow=True
        ),
        client.get("/tili/"),
        client.get("/tili/poista/"),
    ]

    for page in pages:
        assert user.username not in page.content.decode()
    assert "aanestaja.testi@example.fi" in text_of(pages[2])


def test_every_account_path_is_finnish():
    from django.urls import get_resolver

    english = {"login", "logout", "signup", "confirm", "email", "password", "code", "inactive"}
    paths = [
        str(pattern.pattern)
        for pattern in get_resolver().url_patterns[-1].url_patterns
        if str(pattern.pattern).startswith("tili/")
    ]
    nested = [
        f"tili/{inner.pattern}"
        for pattern in get_resolver().url_patterns[-1].url_patterns
        if str(pattern.pattern) == "tili/"
        for inner in pattern.url_patterns
    ]

    assert nested
    for path in paths + nested:
        segments = set(re.split(r"[/^$()?<>:\\\[\]\-+*.]+", path))
        assert not segments & english, path


def test_returning_voter_signs_in_with_a_code(client, delivering):
    voter = VoterFactory()

    with delivering() as outbox:
        client.post(reverse("account_request_login_code"), {"email": voter.email.upper()})
    client.post(reverse("account_confirm_login_code"), {"code": code_in(outbox[-1])})

    assert client.get("/tili/").context["user"] == voter


def test_staff_address_gets_no_code_and_no_sign_in_through_the_public_flow(client, delivering):
    staff = StaffUserFactory(groups=["Viestintä"])
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)

    with delivering() as outbox:
        requested = client.post("/tili/kirjaudu/", {"email": staff.email})
        again = client.post("/tili/kirjaudu/", {"email": staff.email.upper()})

    assert requested.status_code == again.status_code == 302  # as for any address
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


def test_the_sign_in_page_is_one_door_in_finnish(client):
    page = client.get("/tili/kirjaudu/")
    text = text_of(page)

    assert "ensimmäinen kirjautuminen luo tilin" in text
    assert "Lähetä koodi" in text
    assert "Rekisteröidy" not in text
    assert ">Hyvä käytäntö</a>" in page.content.decode()
    assert client.get("/tili/rekisteroidy/?next=/finalistit/")["Location"] == (
        "/tili/kirjaudu/?next=/finalistit/"
    )


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_first_sign_ins_of_one_mailbox_at_once_make_one_account():
    from tests.concurrency import at_once
    from voting import services

    aliases = ["liisa@gmail.com", "Liisa+1@gmail.com", "l.iisa@gmail.com", "liisa+2@googlemail.com"]

    users = at_once(lambda address: services.voter_for_address(email=address).pk, aliases * 3)

    assert len(set(users)) == 1
    assert get_user_model().objects.filter(is_staff=False).count() == 1


def test_integrity_report_counts_votes_per_domain_and_flags_a_jump(client):
    competition = CompetitionFactory(deliberation=True)
    finalist = FinalistFactory(nomination__competition=competition)
    opened = competition.voting_opens_at
    numbers = itertools.count()

    def votes(count: int, domain: str, hours_after_opening: int):
        for _ in range(count):
            vote = VoteFactory(
                finalist=finalist,
                competition=competition,
                voter__email=f"aanestaja{next(numbers)}@{domain}",
            )
            vote.cast_at = opened + timedelta(hours=hours_after_opening, minutes=5)
            vote.save(update_fields=["cast_at"])

    for hour in range(12):  # a steady large provider
        votes(3, "gmail.com", hour)
    votes(4, "googlemail.com", 3)  # the same provider under its other name
    votes(12, "firma.example", 5)  # quiet, then a dozen in one hour
    votes(2, "kunta.example", 1)
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))

    page = client.get(reverse("admin:voting_votetally_change", args=[competition.pk]))

    table = page.content.decode().split('id="domains"')[1].split("</table>")[0]
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ][1:]
    assert rows[0].startswith("firma.example 12 ") and rows[0].endswith("12 Äkillinen piikki")
    assert rows[1].startswith("gmail.com 40 ") and "Äkillinen piikki" not in rows[1]
    assert rows[2].startswith("kunta.example 2 ") and "Äkillinen piikki" not in rows[2]
    assert len(rows) == 3


def test_votes_per_domain_is_one_query(django_assert_num_queries):
    from voting.queries import votes_per_domain

    finalist = open_finalist()
    for domain in ["gmail.com", "firma.example", "kunta.example"]:
        VoteFactory(finalist=finalist, voter__email=f"liisa@{domain}")

    with django_assert_num_queries(1):
        report = votes_per_domain(finalist.nomination.competition)

    assert sorted(row.domain for row in report.rows) == [
        "firma.example",
        "gmail.com",
        "kunta.example",
    ]


def test_the_code_page_shows_the_address_typed_not_the_accounts(client, delivering):
    sign_in(client, "victim@gmail.com", delivering)
    client.post("/tili/ulos/")

    someone = Client()
    with delivering() as outbox:
        page = someone.post("/tili/kirjaudu/", {"email": "V.ictim@Gmail.com"}, follow=True)

    assert "v.ictim@gmail.com" in text_of(page)
    assert "victim@gmail.com" not in text_of(page)
    assert last_code_message(outbox).to == ["v.ictim@gmail.com"]


def test_an_alias_asked_first_does_not_lock_the_real_address_out(client, delivering):
    finalist = open_finalist()
    with delivering():
        client.post("/tili/kirjaudu/", {"email": "liisa+x@firma.example"})  # never confirmed
    client.get("/")  # a new visit

    sign_in(Client(), "liisa@firma.example", delivering)  # warm nothing: a separate browser
    sign_in(client, "liisa@firma.example", delivering)
    client.post("/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"})

    assert Vote.objects.count() == 1
    assert get_user_model().objects.filter(is_staff=False).count() == 1
    assert EmailAddress.objects.get(email="liisa@firma.example").verified


def test_accounts_never_confirmed_are_deleted_after_a_day_but_voters_stay(client, delivering):
    from voting.services import voter_unconfirmed_purge

    with delivering():
        client.post("/tili/kirjaudu/", {"email": "kirjoitusvirhe@example.fi"})
    sign_in(client, "oikea@example.fi", delivering)

    soon = voter_unconfirmed_purge(now=timezone.now() + timedelta(hours=23))
    later = voter_unconfirmed_purge(now=timezone.now() + timedelta(hours=25))

    assert (soon, later) == (0, 1)
    assert list(get_user_model().objects.values_list("email", flat=True)) == ["oikea@example.fi"]


def test_a_second_address_typed_replaces_the_first_code_request(client, delivering):
    with delivering() as outbox:
        client.post("/tili/kirjaudu/", {"email": "kirjoitusvirhe@example.fi"})
        page = client.post("/tili/kirjaudu/", {"email": "oikea@example.fi"}, follow=True)

    assert "Lähetimme koodin osoitteeseen oikea@example.fi" in text_of(page)
    assert last_code_message(outbox).to == ["oikea@example.fi"]
    client.post("/tili/kirjaudu/koodi/", {"code": code_in(last_code_message(outbox))})
    assert EmailAddress.objects.get(email="oikea@example.fi").verified


def test_signing_in_says_it_once_with_the_address(client, delivering):
    with delivering() as outbox:
        code_page = client.post("/tili/kirjaudu/", {"email": "liisa@example.fi"}, follow=True)
    signed_in = client.post(
        "/tili/kirjaudu/koodi/", {"code": code_in(last_code_message(outbox))}, follow=True
    )

    assert text_of(code_page).count("liisa@example.fi") == 1
    assert "Olet kirjautunut sisään osoitteella liisa@example.fi." in text_of(signed_in)
    assert "on vahvistettu" not in text_of(signed_in)


def test_a_fourth_code_request_says_what_happened_and_when_to_ask_again(client, delivering):
    with delivering() as outbox:
        for _ in range(3):
            client.post("/tili/kirjaudu/", {"email": "kiireinen@example.fi"})
        refused = client.post("/tili/kirjaudu/", {"email": "Kiireinen@Example.fi"})

    text = text_of(refused)
    assert len(outbox) == 3
    assert "virheellistä" not in text  # no wrong code was ever typed
    assert (
        "Tähän osoitteeseen on jo lähetetty 3 kirjautumiskoodia 5 minuutin sisällä, joten "
        "uutta koodia ei lähetetty." in text
    )
    assert "pyydä uusi 5 minuutin kuluttua" in text
    assert 'value="Kiireinen@Example.fi"' in refused.content.decode()  # kept as typed


def test_the_code_page_and_the_code_say_how_long_it_is_valid(client, delivering):
    with delivering() as outbox:
        page = client.post("/tili/kirjaudu/", {"email": "uusi@example.fi"}, follow=True)

    assert "Koodi on voimassa 10 minuuttia lähettämisestä" in text_of(page)
    assert "Koodi on voimassa 10 minuuttia." in outbox[-1].body


def test_a_short_x_forwarded_for_behind_more_proxies_still_signs_in(client, settings):
    """A proxy chain shorter than TRUSTED_PROXY_COUNT says (a misconfigured balancer, or a
    request that skipped one hop) is read from the connection's address, never a 500."""
    from django.urls import reverse

    settings.TRUSTED_PROXY_COUNT = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = client.post(
        reverse("account_request_login_code"),
        {"email": "lyhyt@example.fi"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code in {200, 302}
