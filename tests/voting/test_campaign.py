"""A numbered-address campaign from outside, as a script would run it: 25 addresses at one
domain sign up from one network over HTTP, each solving the sign-in's proof of work and
reading its code from a real mail server fed by a worker process of its own; vote_review
(its own process too) lists them as one cluster, staff remove it in the admin, and the
published results count without them and say so."""

import html
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from archive import services as archive_services
from core.models import Competition
from jury.enums import Recognition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory
from tests.hyvakaytanto.test_worker import worker_process
from tests.processes import ROOT, database_url
from tests.proof_of_work import solve
from tests.smtp import SmtpServer
from voting.enums import ClusterKind
from voting.models import Vote, VoteCluster

CAMPAIGN = [f"a{n}@numerot.example" for n in range(1, 26)]
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Script:
    """One address's session: its own cookies, from its own address in one /24."""

    def __init__(self, base_url: str, address: str):
        self.base_url = base_url
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        request = urllib.request.Request(  # noqa: S310 - the live server's http:// address
            self.base_url + path, headers=self._headers()
        )
        return self._open(request)

    def post(self, path: str, fields: dict, *, token_from: str) -> str:
        token = TOKEN.search(token_from).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(  # noqa: S310 - the live server's http:// address
            self.base_url + path, data=data, headers=self._headers()
        )
        return self._open(request)

    def _headers(self) -> dict:
        return {"X-Forwarded-For": self.address, "Accept-Language": "fi"}

    def _open(self, request) -> str:
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()


def code_for(smtp: SmtpServer, address: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with smtp.lock:
            for message in smtp.received:
                if address in message.recipients and (found := CODE.search(message.body)):
                    return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no code reached {address}")


def vote_review(year: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hyvakaytanto.settings"}
    env["DATABASE_URL"] = database_url()
    done = subprocess.run(
        [sys.executable, "manage.py", "vote_review", "--year", str(year), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_numbered_campaign_is_one_cluster_and_the_results_count_without_it(
    live_server, settings, tmp_path
):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The test server speaks plain HTTP; in production the cookies are for HTTPS alone.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    year = CompetitionFactory(year=2029, voting=True)
    winner = FinalistFactory(
        nomination__competition=year,
        nomination__practice_name="Perhe yhtenäiseksi",
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
        order=0,
    )
    pushed = FinalistFactory(
        nomination__competition=year, nomination__practice_name="Enna-malli", order=1
    )
    VoteFactory.create_batch(6, finalist=winner, competition=year)  # people, over the weeks
    VoteFactory.create_batch(2, finalist=pushed, competition=year)

    smtp = SmtpServer().start()
    worker = worker_process(smtp, tmp_path / "worker.log")
    try:
        for n, address in enumerate(CAMPAIGN):
            script = Script(live_server.url, f"203.0.113.{10 + n}")
            page = script.get("/tili/kirjaudu/")
            solution = solve(json.loads(script.get("/tili/kirjaudu/haaste/")))
            code_page = script.post(
                "/tili/kirjaudu/", {"email": address, "altcha": solution}, token_from=page
            )
            script.post(
                "/tili/kirjaudu/koodi/", {"code": code_for(smtp, address)}, token_from=code_page
            )
            card = re.search(  # the finalist's card on the list, and its vote button
                rf'id="finalist-{pushed.pk}"><a href="(/finalistit/[^"]+/)"',
                script.get("/finalistit/"),
            )
            confirm = script.get(card.group(1) + "aanesta/")
            voted = script.post(
                "/finalistit/aanesta/",
                {"finalist": pushed.pk, "confirmed": "yes"},
                token_from=confirm,
            )
            assert "Kiitos! Äänesi finalistille" in voted, address
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    campaign_votes = set(
        Vote.objects.filter(voter__email__in=CAMPAIGN).values_list("pk", flat=True)
    )
    assert len(campaign_votes) == 25

    # The operator's report, from its own process: the 25 are one cluster, and wait.
    report = vote_review(2029)
    numbered = [c for c in report["clusters"] if c["kind"] == ClusterKind.NUMBERED]
    assert [set(c["votes"]) for c in numbered] == [campaign_votes]
    assert numbered[0]["gains"] == [["Enna-malli", 25]]
    assert all(c["decision"] is None for c in report["clusters"])

    # The vote closes; staff remove the numbered cluster in the admin and keep the rest.
    Competition.objects.filter(pk=year.pk).update(
        voting_closes_at=timezone.now() - timedelta(minutes=1)
    )
    staff = admin_login(Client(), StaffUserFactory(is_superuser=True))
    for cluster in VoteCluster.objects.filter(competition=year):
        removing = cluster.kind == ClusterKind.NUMBERED
        decided = staff.post(
            f"/admin/voting/votecluster/{cluster.pk}/change/",
            {
                "action": "remove" if removing else "keep",
                "rule": "several_mailboxes" if removing else "",
                "comment": "Yksi ihminen, numeroidut osoitteet." if removing else "",
                "votes": [str(pk) for pk in cluster.votes.values_list("pk", flat=True)],
            },
        )
        assert decided.status_code == 302, cluster.label
    archive_services.results_publish(competition=year, by=StaffUserFactory(is_superuser=True))

    results = Script(live_server.url, "198.51.100.7").get("/tulokset/2029/")
    shares = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", results)))
    assert "Yhteensä 8 ääntä." in shares
    assert "Perhe yhtenäiseksi 6 75,0 %" in shares
    assert "Enna-malli 2 25,0 %" in shares
    assert "25 ääntä, sääntö 1:" in shares
    assert "Äänestys tarkastettiin ennen tulosten julkaisua" in shares
