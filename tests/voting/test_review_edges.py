"""The vote's review at its edges: who may open it, overlapping and later decisions, a
reversal after the cluster grew, a confirmation date that passed just before publishing, a
domain of any length, and bad input that must not answer 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from archive import services as archive_services
from archive.models import AwardYear
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, JuryMemberFactory, StaffUserFactory
from tests.factories.voting import VoteFactory, VoterFactory
from tests.pages import text_of
from tests.voting.test_review import campaign_year, counts, numbered_cluster
from voting import review
from voting.enums import ClusterKind, DecisionAction, RemovalRule
from voting.models import Vote, VoteCluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return campaign_year()


def test_a_juror_or_other_staff_cannot_open_the_review_nor_read_its_addresses(year, client):
    cluster = numbered_cluster(year)
    juror = JuryMemberFactory(competition=year).user
    admin_login(client, juror)

    assert client.get("/admin/voting/votecluster/").status_code == 403
    page = client.get(f"/admin/voting/votecluster/{cluster.pk}/change/")
    assert page.status_code == 403
    assert "kampanja.example" not in page.content.decode()

    admin_login(client, StaffUserFactory())  # staff without the permission
    assert client.get(f"/admin/voting/votecluster/{cluster.pk}/change/").status_code == 403


def test_removing_a_whole_cluster_after_keeping_most_of_it_removes_all_of_it(year, staff):
    cluster = numbered_cluster(year)
    ids = sorted(cluster.votes.values_list("pk", flat=True))
    review.votes_decide(
        competition=year, cluster=cluster, vote_ids=ids[:-1], action="keep", by=staff
    )
    cluster.refresh_from_db()
    assert cluster.decision is None  # one vote still waits

    review.votes_decide(
        competition=year,
        cluster=cluster,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.SEVERAL_MAILBOXES,
        by=staff,
    )

    assert counts(year)["Enna-malli"] == 3
    assert Vote.objects.filter(removed_rule=RemovalRule.SEVERAL_MAILBOXES).count() == 6


def test_one_genuine_voter_of_a_removed_cluster_is_kept_from_its_screen(year, staff, client):
    cluster = numbered_cluster(year)
    review.votes_decide(
        competition=year,
        cluster=cluster,
        action=DecisionAction.REMOVE,
        rule=RemovalRule.SEVERAL_MAILBOXES,
        by=staff,
    )
    genuine = cluster.votes.order_by("pk").first()
    admin_login(client, staff)

    kept = client.post(
        f"/admin/voting/votecluster/{cluster.pk}/change/",
        {"action": "keep", "comment": "Soitettiin: oikea ihminen.", "votes": [genuine.pk]},
    )

    assert kept.status_code == 302
    assert counts(year)["Enna-malli"] == 4
    cluster.refresh_from_db()
    assert cluster.decision.action == DecisionAction.REMOVE  # the whole cluster's word stands


def test_reversing_a_decision_made_after_the_cluster_grew_leaves_it_waiting(year, staff):
    cluster = numbered_cluster(year)
    review.votes_decide(competition=year, cluster=cluster, action="keep", by=staff)
    VoteFactory(
        finalist=Vote.objects.filter(competition=year).first().finalist,
        competition=year,
        voter=VoterFactory(email="tuki7@kampanja.example"),
    )
    review.clusters_refresh(year)
    cluster.refresh_from_db()
    second = review.votes_decide(competition=year, cluster=cluster, action="keep", by=staff)

    review.decision_reverse(decision=second, by=staff)

    cluster.refresh_from_db()
    assert cluster.decision is None  # the first decision never saw the seventh vote
    with pytest.raises(Exception, match="odottaa päätöstä"):
        archive_services.results_publish(competition=year, by=staff)


def test_a_confirmation_date_that_passed_before_the_worker_ran_is_settled_by_publishing(
    year, staff, time_machine
):
    cluster = numbered_cluster(year)
    deadline = timezone.now() + timedelta(days=2)
    review.votes_decide(
        competition=year, cluster=cluster, action="confirm", confirm_by=deadline, by=staff
    )
    time_machine.move_to(deadline + timedelta(minutes=1))  # no worker has run since

    award_year = archive_services.results_publish(competition=year, by=staff)

    assert counts(year)["Enna-malli"] == 3
    votes = {a.practice_name: a.vote_count for a in award_year.awards.all() if a.vote_count}
    assert votes["Enna-malli"] == 3
    # Once published, nothing the worker does changes the year's votes.
    assert review.confirmations_expire() == 0


def test_a_campaign_at_a_very_long_domain_is_still_a_cluster():
    competition = CompetitionFactory(year=2030, deliberation=True)
    finalist = FinalistFactory(nomination__competition=competition)
    domain = ".".join(["a" * 60] * 4)[:240] + ".example"  # 248 characters
    for n in range(1, 5):
        VoteFactory(
            finalist=finalist, competition=competition, voter=VoterFactory(email=f"x{n}@{domain}")
        )

    review.clusters_refresh(competition)

    numbered = VoteCluster.objects.get(competition=competition, kind=ClusterKind.NUMBERED)
    assert numbered.votes.count() == 4 and domain in numbered.key


def test_bad_input_on_the_review_and_the_rules_never_answers_500(year, staff, client):
    cluster = numbered_cluster(year)
    admin_login(client, staff)
    page = f"/admin/voting/votecluster/{cluster.pk}/change/"

    for value in ["abc", "1\x00", "²", "9" * 40]:
        assert client.post(page, {"peru": value}).status_code in {400, 404}
    for value in ["²", "abc", "1" * 5000, "2027\n"]:
        assert client.get("/aanestyksen-saannot/", {"vuosi": value}).status_code == 200
    assert client.get("/admin/voting/votecluster/", {"tila": "xyz"}).status_code == 200


def test_the_rules_of_a_year_in_preparation_are_not_shown(client):
    CompetitionFactory(year=2030)
    CompetitionFactory(year=2031, draft=True, title="Salainen vuosi 2031")

    page = text_of(client.get("/aanestyksen-saannot/", {"vuosi": "2031"}))

    assert "2031" not in page


def test_a_year_published_before_the_review_existed_claims_no_review(year, staff, client):
    review.votes_decide(competition=year, cluster=numbered_cluster(year), action="keep", by=staff)
    archive_services.results_publish(competition=year, by=staff)
    AwardYear.objects.filter(year=2027).update(votes_reviewed=False)

    page = text_of(client.get("/tulokset/2027/"))

    assert "Äänestys tarkastettiin" not in page


def test_the_confirmation_link_signs_nobody_out_until_the_button_is_pressed(year, staff, client):
    cluster = numbered_cluster(year)
    client.force_login(cluster.votes.order_by("pk").first().voter)  # signed in from before
    review.votes_decide(
        competition=year,
        cluster=cluster,
        action="confirm",
        confirm_by=timezone.now() + timedelta(days=2),
        by=staff,
    )

    shown = client.get("/tili/vahvista-aani/")
    assert "Kirjaudu uudelleen ja vahvista" in text_of(shown)
    assert client.get("/tili/").status_code == 200  # still signed in

    pressed = client.post("/tili/vahvista-aani/")
    assert pressed["Location"].startswith("/tili/kirjaudu/")
    assert client.get("/tili/")["Location"].startswith("/tili/kirjaudu/")


def test_the_staff_home_says_that_clusters_wait(year, staff, client):
    numbered_cluster(year)
    admin_login(client, staff)

    home = text_of(client.get("/admin/"))

    assert "1 epäilyttävä ryväs odottaa päätöstä äänestyksen tarkastuksessa." in home


def test_the_review_page_names_the_other_clusters_holding_the_same_votes(year, staff, client):
    cluster = numbered_cluster(year)
    network = VoteCluster.objects.create(
        competition=year, kind=ClusterKind.NETWORK, key="verkko", label="verkko 1234"
    )
    network.votes.add(*cluster.votes.all()[:4])
    admin_login(client, staff)

    page = text_of(client.get(f"/admin/voting/votecluster/{cluster.pk}/change/"))

    assert "Osa näistä äänistä on myös muissa ryppäissä" in page
    assert "verkko 1234 : 4 yhteistä ääntä · odottaa päätöstä" in page


def test_vote_review_reads_in_finnish_with_helsinki_times_and_the_rules_number(year, staff, capsys):
    from django.core.management import call_command

    review.votes_decide(
        competition=year,
        cluster=numbered_cluster(year),
        action=DecisionAction.REMOVE,
        rule=RemovalRule.AUTOMATED,
        comment="Skripti.",
        by=staff,
    )

    call_command("vote_review", "--year", "2027")
    out = capsys.readouterr().out

    assert "Poista äänet, sääntö 3: Ääni annettiin ohjelmallisesti" in out
    assert "perustelu: Skripti." in out
    assert "+00:00" not in out and " klo " in out
