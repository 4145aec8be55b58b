import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Competition, OutgoingEmail
from tests.admin_login import admin_login
from tests.concurrency import at_once
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, JuryMemberFactory
from tests.factories.voting import VoteFactory, VoterFactory, open_finalist
from tests.pages import text_of
from voting import services
from voting.models import Vote
from voting.queries import finalist_slug, tally
from voting.tasks import send_vote_receipts

pytestmark = pytest.mark.django_db

MICROSECOND = timedelta(microseconds=1)
VOTE_URL = "/finalistit/aanesta/"


def post_vote(client, voter, finalist, **extra):
    client.force_login(voter)
    return client.post(
        VOTE_URL, {"finalist": finalist.pk, "confirmed": "yes"}, follow=True, **extra
    )


# --- The window, in server time -----------------------------------------------------------


def test_vote_is_accepted_one_microsecond_before_the_deadline(client):
    finalist = open_finalist()
    closes = finalist.nomination.competition.voting_closes_at

    with time_machine.travel(closes - MICROSECOND, tick=False):
        response = post_vote(client, VoterFactory(), finalist)

    assert Vote.objects.count() == 1
    assert "Kiitos! Äänesi finalistille" in text_of(response)


def test_vote_is_refused_one_microsecond_after_the_deadline(client):
    finalist = open_finalist()
    closes = finalist.nomination.competition.voting_closes_at

    with time_machine.travel(closes + MICROSECOND, tick=False):
        response = post_vote(client, VoterFactory(), finalist)

    assert not Vote.objects.exists()
    assert "Äänestys on päättynyt." in text_of(response)


def test_vote_is_refused_before_voting_opens():
    finalist = open_finalist()
    opens = finalist.nomination.competition.voting_opens_at

    with (
        time_machine.travel(opens - MICROSECOND, tick=False),
        pytest.raises(ValidationError, match="ei ole vielä alkanut"),
    ):
        services.vote_cast(voter=VoterFactory(), finalist_id=finalist.pk)


# --- Refusals -------------------------------------------------------------------------------


def test_vote_for_a_nomination_taken_off_the_shortlist_is_refused():
    competition = CompetitionFactory(voting=True)
    open_finalist(competition=competition)
    dropped = FinalistFactory(nomination__competition=competition)
    dropped_id = dropped.pk
    dropped.delete()  # the chair took it off the list; a stale page still offers its id

    with pytest.raises(ValidationError, match="ei löytynyt"):
        services.vote_cast(voter=VoterFactory(), finalist_id=dropped_id)
    assert not Vote.objects.exists()


def test_vote_for_an_unpublished_finalist_is_refused():
    competition = CompetitionFactory(review=True)  # shortlisted, not yet published
    finalist = FinalistFactory(nomination__competition=competition)

    with pytest.raises(ValidationError):
        services.vote_cast(voter=VoterFactory(), finalist_id=finalist.pk)
    assert not Vote.objects.exists()


def test_vote_for_another_years_finalist_is_refused():
    open_finalist()
    last_year = FinalistFactory(nomination__competition=CompetitionFactory(published=True))

    with pytest.raises(ValidationError, match="päättynyt"):
        services.vote_cast(voter=VoterFactory(), finalist_id=last_year.pk)


def test_vote_without_a_verified_email_is_refused(client):
    finalist = open_finalist()
    voter = VoterFactory(verified=False)

    response = post_vote(client, voter, finalist)

    assert not Vote.objects.exists()
    assert "Vahvista sähköpostiosoitteesi" in text_of(response)


def test_staff_cannot_vote():
    finalist = open_finalist()
    juror = JuryMemberFactory(competition=finalist.nomination.competition).user

    with pytest.raises(PermissionDenied):
        services.vote_cast(voter=juror, finalist_id=finalist.pk)


def test_vote_by_get_is_refused(client):
    finalist = open_finalist()
    client.force_login(VoterFactory())

    response = client.get(VOTE_URL, {"finalist": finalist.pk})

    assert response.status_code == 405
    assert not Vote.objects.exists()


def test_anonymous_vote_is_sent_to_sign_in(client):
    finalist = open_finalist()

    response = client.post(VOTE_URL, {"finalist": finalist.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/tili/kirjaudu/")


def test_vote_requires_the_csrf_token(client):
    from django.test import Client

    finalist = open_finalist()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(VoterFactory())

    response = strict.post(VOTE_URL, {"finalist": finalist.pk, "confirmed": "yes"})

    assert response.status_code == 403
    assert not Vote.objects.exists()


# --- One vote -----------------------------------------------------------------------------------


def test_double_click_keeps_one_vote_and_says_so_kindly(client):
    finalist = open_finalist()
    voter = VoterFactory()

    post_vote(client, voter, finalist)
    second = post_vote(client, voter, finalist)

    assert Vote.objects.count() == 1
    assert second.status_code == 200
    assert "oli jo tallennettu" in text_of(second)


def test_vote_cannot_be_changed(client):
    finalist = open_finalist()
    other = open_finalist(competition=finalist.nomination.competition)
    voter = VoterFactory()

    post_vote(client, voter, finalist)
    response = post_vote(client, voter, other)

    assert list(Vote.objects.values_list("finalist", flat=True)) == [finalist.pk]
    assert "Olet jo äänestänyt finalistia" in text_of(response)


def test_finalist_page_says_whom_the_visitor_voted_for_and_when(client):
    finalist = open_finalist()
    voter = VoterFactory()
    post_vote(client, voter, finalist)

    text = text_of(client.get("/finalistit/"))

    assert f"Äänestit finalistia ”{finalist.nomination.practice_name}”" in text
    assert "Äänestä:" not in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_threads_voting_at_once_as_the_same_voter_leave_one_row():
    finalist = open_finalist()
    voter = VoterFactory()

    created = at_once(
        lambda _: services.vote_cast(voter=voter, finalist_id=finalist.pk).created, range(20)
    )

    assert Vote.objects.filter(voter=voter).count() == 1
    assert created.count(True) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_different_voters_at_once_leave_twenty_rows():
    finalist = open_finalist()
    voters = VoterFactory.create_batch(20)

    created = at_once(
        lambda voter: services.vote_cast(voter=voter, finalist_id=finalist.pk).created, voters
    )

    assert created == [True] * 20
    assert Vote.objects.count() == 20


def test_votes_are_rate_limited_per_client(client, settings):
    settings.VOTES_PER_CLIENT_PER_HOUR = 1
    finalist = open_finalist()

    post_vote(client, VoterFactory(), finalist, REMOTE_ADDR="192.0.2.10")
    response = post_vote(client, VoterFactory(), finalist, REMOTE_ADDR="192.0.2.10")

    assert Vote.objects.count() == 1
    assert "liian monta ääntä" in text_of(response)


# --- Secrecy and the count ---------------------------------------------------------------------


def test_totals_appear_nowhere_public_or_in_the_jurys_admin_before_publication(client):
    leader = open_finalist(nomination__practice_name="Ruskon nanny")
    competition = leader.nomination.competition
    trailing = open_finalist(competition=competition)
    VoteFactory.create_batch(7, finalist=leader)
    VoteFactory.create_batch(3, finalist=trailing)
    chair = JuryMemberFactory(competition=competition, chair=True)

    public = [client.get(url) for url in ["/", "/finalistit/", "/arkisto/"]]
    admin_login(client, chair.user)
    jury = [
        client.get(reverse("admin:jury_finalist_changelist")),
        client.get(reverse("admin:jury_rankingentry_changelist")),
        client.get(reverse("admin:jury_finalist_change", args=[leader.pk])),
    ]
    tally_page = client.get(reverse("admin:voting_votetally_changelist"))

    for response in public + jury:
        text = text_of(response)
        assert response.status_code == 200
        assert not re.search(r"\b(7|3|10)\s*(ääntä|ääni|votes)", text)
        assert "70 %" not in text and "70,0" not in text
    assert tally_page.status_code == 403


def test_tally_gives_the_certificate_to_every_tied_favourite():
    first = open_finalist()
    competition = first.nomination.competition
    second, third = open_finalist(competition=competition), open_finalist(competition=competition)
    VoteFactory.create_batch(4, finalist=first)
    VoteFactory.create_batch(4, finalist=second)
    VoteFactory.create_batch(2, finalist=third)

    rows = tally(competition)

    assert [(r.finalist, r.votes, r.is_favourite) for r in rows] == [
        (first, 4, True),
        (second, 4, True),
        (third, 2, False),
    ]
    assert sum(r.share for r in rows) == pytest.approx(100)


def test_finalists_are_shown_in_a_stable_order_per_voter(client):
    competition = CompetitionFactory(voting=True)
    for _ in range(6):
        open_finalist(competition=competition)
    client.force_login(VoterFactory())

    first = [f.pk for f in client.get("/finalistit/").context["finalists"]]
    again = [f.pk for f in client.get("/finalistit/").context["finalists"]]
    others = set()
    for _ in range(12):
        other = Client()
        other.force_login(VoterFactory())
        others.add(tuple(f.pk for f in other.get("/finalistit/").context["finalists"]))

    assert first == again
    assert sorted(first) == sorted(competition.nominations.values_list("finalist", flat=True))
    assert len(others) > 1  # other voters see other orders


def test_anonymous_visitors_share_an_order_that_changes_over_the_day(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the order itself, not a kept copy of the page
    competition = CompetitionFactory(voting=True)
    for _ in range(6):
        open_finalist(competition=competition)
    orders = set()
    with time_machine.travel(competition.voting_opens_at + timedelta(hours=1)) as traveller:
        first = [f.pk for f in client.get("/finalistit/").context["finalists"]]
        other = [f.pk for f in Client().get("/finalistit/").context["finalists"]]
        for _ in range(24):
            traveller.shift(timedelta(minutes=10))
            orders.add(tuple(f.pk for f in Client().get("/finalistit/").context["finalists"]))

    assert first == other  # one cacheable page for everyone at a time
    assert len({order[0] for order in orders}) > 1  # but not the same finalist first all day


def test_the_finalist_page_creates_no_session_for_an_anonymous_visitor(client):
    open_finalist()

    client.get("/finalistit/")
    client.get("/finalistit/")

    assert not Session.objects.exists()


def test_finalist_page_before_publication_says_when(client):
    competition = CompetitionFactory(review=True)
    FinalistFactory(nomination__competition=competition, statement="Salainen perustelu")

    response = client.get("/finalistit/")

    assert "Palkintoraati julkistaa finalistit" in text_of(response)
    assert "Salainen perustelu" not in response.content.decode()


def test_finalist_page_after_the_deadline_has_no_form(client):
    finalist = FinalistFactory(nomination__competition=CompetitionFactory(deliberation=True))
    client.force_login(VoterFactory())

    response = client.get("/finalistit/")

    assert "Äänestys on päättynyt" in text_of(response)
    assert "/aanesta/" not in response.content.decode()
    assert finalist.nomination.practice_name in text_of(response)


def test_public_finalist_list_is_reused_only_for_the_configured_seconds(client, settings):
    from voting import queries

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    first = open_finalist(nomination__practice_name="Ensimmäinen")
    client.get("/finalistit/")
    open_finalist(competition=first.nomination.competition, nomination__practice_name="Myöhempi")

    cached = text_of(client.get("/finalistit/"))
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = text_of(client.get("/finalistit/"))
    queries._snapshot = None

    assert "Myöhempi" not in cached
    assert "Myöhempi" in fresh


# --- The finalist page for each kind of visitor ---------------------------------------------


def vote_buttons(response) -> int:
    return len(re.findall(r'href="/finalistit/[\w-]+/aanesta/"', response.content.decode()))


def test_finalist_page_offers_a_verified_voter_a_button_per_finalist(client):
    competition = CompetitionFactory(voting=True)
    for _ in range(3):
        open_finalist(competition=competition)
    client.force_login(VoterFactory())

    assert vote_buttons(client.get("/finalistit/")) == 3


def test_with_the_cards_kept_each_voter_votes_with_their_own_token_and_sees_their_own_state(
    settings,
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    competition = CompetitionFactory(voting=True)
    finalists = [open_finalist(competition=competition) for _ in range(3)]
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(VoterFactory())
    second.force_login(VoterFactory())

    for voter, finalist in ((first, finalists[0]), (second, finalists[1])):
        voter.get("/finalistit/")
        confirm = voter.get(f"/finalistit/{finalist_slug(finalist, finalists)}/aanesta/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.content.decode())
        voter.post(
            "/finalistit/aanesta/",
            {"finalist": finalist.pk, "confirmed": "yes", "csrfmiddlewaretoken": token.group(1)},
        )
    after = first.get("/finalistit/")
    second_after = second.get("/finalistit/")

    assert sorted(Vote.objects.values_list("finalist_id", flat=True)) == sorted(
        [finalists[0].pk, finalists[1].pk]
    )
    assert vote_buttons(after) == 0
    assert marked_as_chosen(after, finalists) == [finalists[0].pk]
    assert marked_as_chosen(second_after, finalists) == [finalists[1].pk]


def marked_as_chosen(response, finalists) -> list[int]:
    """The finalists whose card says "you voted for this one"."""
    page = response.content.decode()
    cards = {
        int(pk): card
        for pk, card in re.findall(
            r'<article [^>]*aria-labelledby="finalist-(\d+)">(.*?)</article>', page, re.S
        )
    }
    return [f.pk for f in finalists if "Äänestit tätä finalistia" in cards[f.pk]]


def test_finalist_page_asks_an_unverified_voter_to_verify_and_offers_no_button(client):
    open_finalist()
    client.force_login(VoterFactory(verified=False))

    response = client.get("/finalistit/")

    assert vote_buttons(response) == 0
    assert "Vahvista sähköpostiosoitteesi, niin voit äänestää." in text_of(response)


def test_finalist_page_offers_staff_no_button(client):
    finalist = open_finalist()
    client.force_login(JuryMemberFactory(competition=finalist.nomination.competition).user)

    assert vote_buttons(client.get("/finalistit/")) == 0


def test_finalist_page_shows_only_this_years_vote(client):
    voter = VoterFactory()
    last_year = FinalistFactory(nomination__competition=CompetitionFactory(published=True))
    VoteFactory(voter=voter, finalist=last_year)
    open_finalist()
    client.force_login(voter)

    response = client.get("/finalistit/")

    assert "Äänestit finalistia" not in text_of(response)
    assert vote_buttons(response) == 1


@pytest.mark.parametrize("count", [1, 3])
def test_finalist_page_query_count_is_constant(client, django_assert_num_queries, count):
    competition = CompetitionFactory(voting=True)
    finalists = [open_finalist(competition=competition) for _ in range(count)]
    voter = VoterFactory()
    VoteFactory(voter=voter, competition=competition, finalist=finalists[-1])
    client.force_login(voter)

    # The session, the user, the year, its finalists, and the visitor's vote and address.
    with django_assert_num_queries(5):
        response = client.get("/finalistit/")

    assert f"Äänestit finalistia ”{finalists[-1].nomination.practice_name}”" in text_of(response)


def test_a_vote_caught_between_two_changes_of_the_timeline_asks_to_try_again(monkeypatch):
    """The vote's statement saw the window closed, and staff reopened it before the refusal
    was explained: nothing is stored and the voter is asked to try again, not shown a 500."""
    finalist = open_finalist()
    competition = Competition.objects.filter(pk=finalist.nomination.competition_id)
    closes = competition.get().voting_closes_at
    insert = services._insert_if_open

    def while_closed(*args):
        competition.update(voting_closes_at=timezone.now() - timedelta(seconds=1))
        try:
            return insert(*args)
        finally:
            competition.update(voting_closes_at=closes)

    monkeypatch.setattr(services, "_insert_if_open", while_closed)

    with pytest.raises(ValidationError, match="Yritä uudelleen"):
        services.vote_cast(voter=VoterFactory(), finalist_id=finalist.pk)
    assert not Vote.objects.exists()


# --- The confirmation ---------------------------------------------------------------------------


def test_the_vote_button_leads_to_a_confirmation_that_casts_nothing_by_itself(client):
    finalist = open_finalist(nomination__practice_name="Enna-malli")
    client.force_login(VoterFactory())

    page = client.get("/finalistit/enna-malli/aanesta/")

    assert "Äänestät: Enna-malli. Ääntä ei voi muuttaa." in text_of(page)
    assert ">Vahvista</button>" in page.content.decode()
    assert 'href="/finalistit/">Peruuta</a>' in page.content.decode()
    assert f'name="finalist" value="{finalist.pk}"' in page.content.decode()
    assert not Vote.objects.exists()


def test_a_post_that_skips_the_confirmation_casts_nothing_and_leads_to_it(client):
    finalist = open_finalist(nomination__practice_name="Enna-malli")
    client.force_login(VoterFactory())

    response = client.post(VOTE_URL, {"finalist": finalist.pk})

    assert response.status_code == 302
    assert response["Location"] == "/finalistit/enna-malli/aanesta/"
    assert not Vote.objects.exists()


def test_after_the_vote_the_chosen_finalist_is_marked_and_the_heading_thanks(client):
    competition = CompetitionFactory(voting=True)
    chosen = open_finalist(competition=competition, nomination__practice_name="Enna-malli")
    open_finalist(competition=competition, nomination__practice_name="Ruskon nanny")

    post_vote(client, VoterFactory(), chosen)
    html = client.get("/finalistit/").content.decode()

    marked = re.search(r"<article[^>]*>(?:(?!</article>).)*Äänestit tätä finalistia", html, re.S)
    assert "Enna-malli" in marked.group(0) and "Ruskon nanny" not in marked.group(0)
    assert "Kiitos äänestäsi!" in html
    assert "Äänestä suosikkiasi" not in html


def test_a_voter_who_has_voted_is_not_offered_the_confirmation_again(client):
    competition = CompetitionFactory(voting=True)
    chosen = open_finalist(competition=competition, nomination__practice_name="Enna-malli")
    open_finalist(competition=competition, nomination__practice_name="Ruskon nanny")
    voter = VoterFactory()
    post_vote(client, voter, chosen)

    response = client.get("/finalistit/ruskon-nanny/aanesta/", follow=True)

    assert "Olet jo äänestänyt tänä vuonna" in text_of(response)
    assert "Äänestät:" not in text_of(response)


def test_the_receipt_gives_the_time_and_a_code_but_not_the_choice(client, delivering):
    chosen = open_finalist(nomination__practice_name="Enna-malli")
    voter = VoterFactory(email="liisa@example.fi")

    with delivering() as outbox:
        page = post_vote(client, voter, chosen)
        send_vote_receipts.defer(timestamp=0)  # the worker's every-few-seconds round

    vote = Vote.objects.get()
    (receipt,) = outbox
    local = timezone.localtime(vote.cast_at)
    assert receipt.to == ["liisa@example.fi"]
    assert f"{local:%-d.%-m.%Y} klo {local:%-H.%M}" in receipt.body
    assert f"Kuittauskoodi: {vote.receipt_code}" in receipt.body
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", vote.receipt_code)
    assert "Enna-malli" not in receipt.body
    assert vote.receipt_code in text_of(page)


@pytest.mark.parametrize(
    ("language", "words"), [("sv", "Du röstar på: Enna-malli."), ("en", "You are voting for")]
)
def test_the_confirmation_speaks_the_pages_language(client, language, words):
    open_finalist(nomination__practice_name="Enna-malli")
    client.force_login(VoterFactory())

    page = client.get(f"/{language}/finalistit/enna-malli/aanesta/")

    assert words in text_of(page)
    assert "Ääntä ei voi" not in text_of(page)


def test_a_receipt_goes_once_in_the_votes_language_and_none_to_an_erased_voter(client, delivering):
    finalist = open_finalist()
    swede, erased = VoterFactory(email="sven@example.se"), VoterFactory()
    client.force_login(swede)
    client.post("/sv/finalistit/aanesta/", {"finalist": finalist.pk, "confirmed": "yes"})
    VoteFactory(finalist=finalist, voter=erased, receipt_queued_at=None)
    erased.delete()

    with delivering() as outbox:
        send_vote_receipts.defer(timestamp=0)
    with delivering() as again:
        send_vote_receipts.defer(timestamp=1)

    assert [m.to for m in outbox] == [["sven@example.se"]]
    assert outbox[0].subject == "Kvitto på din röst – priset God praxis"
    assert not Vote.objects.filter(receipt_queued_at__isnull=True).exists()
    assert len(again) == 1  # nothing new: still the one message


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rounds_at_once_write_each_receipt_once():
    finalist = open_finalist()
    for _ in range(30):
        VoteFactory(finalist=finalist)

    handled = at_once(lambda _: services.vote_receipts_send(limit=10), range(4))

    assert sum(handled) == 30
    assert OutgoingEmail.objects.count() == 30
