"""The vote's review from the flags to the published results: clusters wait for staff's
decision, a decision changes what counts and can be reversed, a confirmation request goes
out through the queue and the worker removes what was not confirmed by the date, and the
public results say what was removed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from archive import services as archive_services
from jury.enums import Recognition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory, VoterFactory
from tests.pages import text_of
from tests.proof_of_work import solved_for
from tests.queue import run_worker
from tests.voting.test_accounts import code_in, last_code_message
from voting import review
from voting.enums import ClusterKind, DecisionAction, RemovalRule
from voting.models import Vote, VoteCluster
from voting.queries import tally
from voting.tasks import expire_vote_confirmations

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return campaign_year()


def campaign_year():
    """A closed vote: the jury's winner has 5 honest votes, another finalist 3 honest votes
    and 6 from numbered addresses at one domain."""
    competition = CompetitionFactory(year=2027, deliberation=True)
    winner = FinalistFactory(
        nomination__competition=competition,
        nomination__practice_name="Perhe yhtenäiseksi",
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
        order=0,
    )
    pushed = FinalistFactory(
        nomination__competition=competition, nomination__practice_name="Enna-malli", order=1
    )
    people = ["liisa.k", "matti.virtanen", "anna", "pekka.m", "sari", "juha.n", "veera", "olli"]
    for n, person in enumerate(people):
        VoteFactory(
            finalist=winner if n < 5 else pushed,
            competition=competition,
            voter=VoterFactory(email=f"{person}@{['gmail.com', 'hel.fi'][n % 2]}"),
        )
    for n in range(1, 7):
        VoteFactory(
            finalist=pushed,
            competition=competition,
            voter=VoterFactory(email=f"tuki{n}@kampanja.example"),
        )
    return competition


def numbered_cluster(competition) -> VoteCluster:
    review.clusters_refresh(competition)
    return VoteCluster.objects.get(competition=competition, kind=ClusterKind.NUMBERED)


def counts(competition) -> dict[str, int]:
    return {row.finalist.nomination.practice_name: row.votes for row in tally(competition)}


def test_the_numbered_addresses_wait_as_one_cluster_with_their_evidence(year):
    cluster = numbered_cluster(year)

    assert cluster.votes.count() == 6
    assert cluster.decision is None
    assert "6 osoitetta verkkotunnuksessa kampanja.example" in cluster.evidence[0]
    assert review.cluster_gains([cluster.pk])[cluster.pk] == [("Enna-malli", 6)]


def test_publishing_is_refused_while_a_cluster_waits_and_the_refusal_names_it(year, staff):
    numbered_cluster(year)

    with pytest.raises(ValidationError) as refused:
        archive_services.results_publish(competition=year, by=staff)

    assert "tuki…@kampanja.example" in " ".join(refused.value.messages)
    assert "odottaa päätöstä" in " ".join(refused.value.messages)
    year.refresh_from_db()
    assert year.results_published_at is None


def test_removed_votes_no_longer_count_and_the_results_say_so(year, staff, client):
    cluster = numbered_cluster(year)
    assert counts(year) == {"Enna-malli": 9, "Perhe yhtenäiseksi": 5}

    review.votes_decide(
        competition=year,
        cluster=cluster,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.SEVERAL_MAILBOXES,
        comment="Numeroidut osoitteet samasta verkkotunnuksesta.",
        by=staff,
    )
    archive_services.results_publish(competition=year, by=staff)
    page = text_of(client.get("/tulokset/2027/"))

    assert counts(year) == {"Perhe yhtenäiseksi": 5, "Enna-malli": 3}
    assert "Yhteensä 8 ääntä." in page
    assert "6 ääntä, sääntö 1: Sama henkilö äänesti useammalla" in page


def test_a_reviewed_vote_with_nothing_removed_says_that_it_was_reviewed(year, staff, client):
    review.votes_decide(
        competition=year, cluster=numbered_cluster(year), action=DecisionAction.KEEP, by=staff
    )
    archive_services.results_publish(competition=year, by=staff)

    page = text_of(client.get("/tulokset/2027/"))
    assert "Äänestys tarkastettiin ennen tulosten julkaisua. Yhtään ääntä ei poistettu." in page
    assert "Yhteensä 14 ääntä." in page


def test_a_decision_is_reversed_until_the_results_are_published(year, staff):
    cluster = numbered_cluster(year)
    removal = review.votes_decide(
        competition=year,
        cluster=cluster,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.AUTOMATED,
        by=staff,
    )

    review.decision_reverse(decision=removal, by=staff)

    cluster.refresh_from_db()
    removal.refresh_from_db()
    assert counts(year)["Enna-malli"] == 9
    assert cluster.decision is None  # it waits again
    assert removal.reversed_at is not None and removal.reversed_by == staff.username
    review.votes_decide(competition=year, cluster=cluster, action=DecisionAction.KEEP, by=staff)
    archive_services.results_publish(competition=year, by=staff)
    with pytest.raises(ValidationError):
        review.decision_reverse(decision=removal, by=staff)


def test_one_vote_can_be_decided_alone(year, staff):
    cluster = numbered_cluster(year)
    one = cluster.votes.order_by("pk").first()

    review.votes_decide(
        competition=year,
        vote_ids=[one.pk],
        action=DecisionAction.REMOVE,
        rule=RemovalRule.NOT_OWN_MAILBOX,
        by=staff,
    )

    assert counts(year)["Enna-malli"] == 8
    cluster.refresh_from_db()
    assert cluster.decision is None  # the rest of the cluster still waits


def test_a_cluster_that_grows_after_its_decision_waits_again(year, staff):
    cluster = numbered_cluster(year)
    review.votes_decide(competition=year, cluster=cluster, action=DecisionAction.KEEP, by=staff)
    VoteFactory(
        finalist=Vote.objects.filter(competition=year).first().finalist,
        competition=year,
        voter=VoterFactory(email="tuki7@kampanja.example"),
    )

    assert review.clusters_refresh(year) == 1
    cluster.refresh_from_db()
    assert cluster.decision is None
    assert cluster.votes.count() == 7


@pytest.mark.parametrize(
    ("action", "rule", "message"),
    [
        ("remove", "", "Valitse sääntö"),
        ("confirm", "", "Anna tuleva päivä"),
    ],
)
def test_a_decision_without_its_rule_or_date_is_refused_in_finnish(
    year, staff, action, rule, message
):
    with pytest.raises(ValidationError, match=message):
        review.votes_decide(
            competition=year, cluster=numbered_cluster(year), action=action, rule=rule, by=staff
        )


def test_staff_without_the_permission_cannot_decide(year):
    plain_staff = StaffUserFactory()

    with pytest.raises(PermissionDenied):
        review.votes_decide(
            competition=year,
            cluster=numbered_cluster(year),
            action=DecisionAction.KEEP,
            by=plain_staff,
        )


def test_asking_to_confirm_mails_each_voter_and_the_worker_removes_the_unconfirmed_on_the_date(
    year, staff, client, delivering, time_machine
):
    cluster = numbered_cluster(year)
    deadline = timezone.now() + timedelta(days=3)
    with delivering() as outbox:
        review.votes_decide(
            competition=year,
            cluster=cluster,
            action=DecisionAction.CONFIRM,
            confirm_by=deadline,
            by=staff,
        )
    asked = sorted(address for message in outbox for address in message.to)
    assert asked == [f"tuki{n}@kampanja.example" for n in range(1, 7)]
    assert "/tili/vahvista-aani/" in outbox[0].body
    with pytest.raises(ValidationError, match="odottaa äänestäjän vahvistusta"):
        archive_services.results_publish(competition=year, by=staff)

    # Two voters sign in again with a fresh code before the date, from the e-mail's link.
    for n in (1, 2):
        asked = client.get("/tili/vahvista-aani/")
        assert asked["Location"].startswith("/tili/kirjaudu/")
        with delivering() as mail:
            client.post(
                "/tili/kirjaudu/",
                {"email": f"tuki{n}@kampanja.example", "altcha": solved_for(client)},
            )
        client.post("/tili/kirjaudu/koodi/", {"code": code_in(last_code_message(mail))})
        page = client.get("/tili/vahvista-aani/")
        assert "Äänesi on vahvistettu" in text_of(page)
        client.post("/tili/ulos/")

    time_machine.move_to(deadline + timedelta(minutes=1))
    expire_vote_confirmations.defer(timestamp=0)
    run_worker()

    assert counts(year)["Enna-malli"] == 3 + 2
    assert Vote.objects.filter(removed_rule=RemovalRule.NOT_CONFIRMED).count() == 4
    archive_services.results_publish(competition=year, by=staff)


def test_vote_review_prints_the_clusters_as_json(year, capsys):
    import json

    call_command("vote_review", "--year", "2027", "--json")
    report = json.loads(capsys.readouterr().out)

    numbered = [c for c in report["clusters"] if c["kind"] == "numbered"]
    assert len(numbered) == 1
    assert len(numbered[0]["votes"]) == 6
    assert numbered[0]["decision"] is None
    assert report["waiting"] >= 1


def test_the_review_screen_shows_a_cluster_and_records_a_decision(year, staff, client):
    cluster = numbered_cluster(year)
    admin_login(client, staff)

    listing = client.get("/admin/voting/votecluster/?tila=odottaa")
    page = client.get(f"/admin/voting/votecluster/{cluster.pk}/change/")
    votes = [str(pk) for pk in cluster.votes.values_list("pk", flat=True)]
    refused = client.post(
        f"/admin/voting/votecluster/{cluster.pk}/change/",
        {"action": "remove", "rule": "", "comment": "Kampanja.", "votes": votes},
    )
    done = client.post(
        f"/admin/voting/votecluster/{cluster.pk}/change/",
        {"action": "remove", "rule": "automated", "comment": "Kampanja.", "votes": votes},
    )

    assert "tuki…@kampanja.example" in text_of(listing)
    assert "Enna-malli" in text_of(page) and "tuki3@kampanja.example" in text_of(page)
    assert "Valitse sääntö" in text_of(refused)
    assert "Kampanja." in refused.content.decode()  # what was typed is kept
    assert done.status_code == 302
    assert counts(year)["Enna-malli"] == 3


def test_the_rules_page_lists_the_numbered_rules_and_staffs_own_text(client, year):
    from voting.models import VotingRules

    default = text_of(client.get("/aanestyksen-saannot/?vuosi=2027"))
    VotingRules.objects.create(competition=year, text="Vuoden 2027 omat säännöt.")
    own = text_of(client.get("/aanestyksen-saannot/?vuosi=2027"))

    assert "Jokaisella on yleisöäänestyksessä yksi ääni" in default
    assert "Ääni annettiin ohjelmallisesti tai automaattisesti." in default
    assert "Vuoden 2027 omat säännöt." in own


def test_a_removed_votes_evidence_goes_with_the_voters_data_and_the_count_stays(
    year, staff, settings
):
    cluster = numbered_cluster(year)
    review.votes_decide(
        competition=year,
        cluster=cluster,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.SEVERAL_MAILBOXES,
        by=staff,
    )
    archive_services.results_publish(competition=year, by=staff)
    settings.VOTER_DATA_RETENTION_DAYS = 0

    call_command("apply_retention")

    assert not VoteCluster.objects.filter(competition=year).exists()
    assert Vote.objects.filter(competition=year, removed_rule="several_mailboxes").count() == 6
    assert [(r.number, r.votes) for r in review.removed_votes(year)] == [(1, 6)]


def test_keeping_a_network_does_not_bring_back_a_vote_removed_for_its_address(year, staff):
    numbered = numbered_cluster(year)
    removed = review.votes_decide(
        competition=year,
        cluster=numbered,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.SEVERAL_MAILBOXES,
        by=staff,
    )
    # Another cluster holding the same votes (the network they came from) is kept afterwards.
    network = VoteCluster.objects.create(
        competition=year, kind=ClusterKind.NETWORK, key="verkko", label="verkko"
    )
    network.votes.add(*Vote.objects.filter(competition=year))
    review.votes_decide(competition=year, cluster=network, action=DecisionAction.KEEP, by=staff)

    assert counts(year)["Enna-malli"] == 3
    # One voter shown to be genuine is kept on their own, the newer word on that cluster.
    genuine = removed.votes.order_by("pk").first()
    review.votes_decide(  # from the numbered cluster's screen, where it was removed
        competition=year,
        cluster=numbered,
        vote_ids=[genuine.pk],
        action=DecisionAction.KEEP,
        by=staff,
    )
    assert counts(year)["Enna-malli"] == 4
