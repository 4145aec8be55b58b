"""A short database outage: a friendly Finnish error page and a log line, then recovery
without restarting anything, and never a vote reported as cast that was not stored."""

import logging
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from psycopg_pool import ConnectionPool

from core.database import base as database_backend
from hyvakaytanto import views
from tests.factories.voting import VoterFactory, open_finalist
from voting import services
from voting.models import Vote

VOTE_URL = "/finalistit/aanesta/"


class Outage:
    """Refuse new connections to the site's database and end the open ones, as a server
    restart or a failover does; ``end()`` lets connections in again."""

    def __init__(self):
        database = settings.DATABASES["default"]
        self.name = database["NAME"]
        self.admin = psycopg.connect(
            dbname="postgres",
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            password=database.get("PASSWORD") or None,
            autocommit=True,
        )

    def begin(self) -> None:
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self.end_connections()

    def end_connections(self) -> None:
        """Ends every open connection to the site's database, as a quick restart does."""
        self.admin.execute(
            # Waits (up to 5 s) until each server process has gone, as after a restart.
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = %s",
            [self.name],
        )

    def end(self) -> None:
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
        connection.close()  # the test's own connection was ended too; the next query reconnects

    def close(self) -> None:
        self.end()
        self.admin.close()


@pytest.fixture
def outage(transactional_db):
    outage = Outage()
    yield outage
    outage.close()


class Browser:
    """A signed-in visitor talking HTTP to the live server (a real WSGI server, which like
    gunicorn gives connections back after every request; the test client does not)."""

    CSRF = "ResilienceCsrfSecret0123456789ab"  # an unmasked 32-character CSRF secret

    def __init__(self, base_url: str, voter):
        session = Client()
        session.force_login(voter)
        self.base_url = base_url
        self.cookie = f"sessionid={session.cookies['sessionid'].value}; csrftoken={self.CSRF}"

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.CSRF}).encode()
        request = urllib.request.Request(  # noqa: S310 - the live server's http:// address
            self.base_url + path, data=body, headers={"Cookie": self.cookie}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                self.headers = response.headers
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.headers = error.headers
            return error.code, error.read().decode()

    def until_answers(self, path: str, seconds: float = 30) -> tuple[int, str]:
        """Requests the page until it answers 200: the app reconnects on its own."""
        deadline = time.monotonic() + seconds
        while True:
            status, page = self.request(path)
            if status == 200 or time.monotonic() > deadline:
                return status, page
            time.sleep(0.5)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_outage_gives_a_finnish_503_page_and_the_site_recovers_by_itself(
    live_server, outage, caplog
):
    finalist = open_finalist()
    browser = Browser(live_server.url, VoterFactory())
    assert browser.request("/finalistit/")[0] == 200

    outage.begin()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        status, page = browser.request("/finalistit/")

    assert status == 503
    assert browser.headers["Retry-After"] == "30"
    assert "no-store" in browser.headers["Cache-Control"]
    assert "Palvelussa on tilapäinen häiriö" in page
    assert "Service Unavailable: /finalistit/" in caplog.text

    outage.end()
    status, page = browser.until_answers("/finalistit/")

    assert status == 200
    status, page = browser.request(VOTE_URL, {"finalist": finalist.pk, "confirmed": "yes"})
    assert f"Äänestit finalistia ”{finalist.nomination.practice_name}”" in page
    assert Vote.objects.filter(finalist=finalist).count() == 1


def connected_browser(live_server) -> Browser:
    """A signed-in voter whose first page has answered: after an earlier test's outage the
    pool reconnects on its own schedule (psycopg_pool's back-off), which these tests do not
    measure."""
    open_finalist()
    browser = Browser(live_server.url, VoterFactory())
    assert browser.until_answers("/finalistit/")[0] == 200
    return browser


@pytest.fixture
def pool_checks(monkeypatch):
    """Counts the round trips that check a pooled connection as it is handed out."""
    checks = []
    check = ConnectionPool.check_connection

    def counted(connection):
        checks.append(connection)
        check(connection)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return checks


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_first_request_after_a_database_restart_gets_a_live_connection(
    live_server, outage, pool_checks
):
    """The pool hands out no connection the server has ended while it sat idle, and checks
    a connection in use with a round trip only then."""
    browser = connected_browser(live_server)
    for _warm_up in range(3):
        assert browser.request("/finalistit/")[0] == 200
    # A connection the pool opens later (it may still be catching up after an earlier
    # outage) is checked once when first handed out; these ones have been already.
    in_use = set(database_backend._handed_out)
    pool_checks.clear()

    assert [browser.request("/finalistit/")[0] for _ in range(5)] == [200] * 5
    assert in_use
    assert not [checked for checked in pool_checks if checked in in_use]

    outage.end_connections()
    connection.close()  # the test's own connection was ended too

    assert [browser.request("/finalistit/")[0] for _ in range(3)] == [200, 200, 200]
    assert pool_checks


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_idle_for_a_while_is_checked_with_a_query(
    live_server, pool_checks, monkeypatch
):
    """A host that rebooted says nothing on the socket: a connection that has sat idle is
    checked with a round trip before a request gets it."""
    browser = connected_browser(live_server)
    monkeypatch.setattr(database_backend, "IDLE_CHECK_SECONDS", 0)
    pool_checks.clear()

    assert browser.request("/finalistit/")[0] == 200
    assert len(pool_checks) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_vote_whose_connection_is_cut_is_not_reported_as_cast(live_server, outage, monkeypatch):
    finalist = open_finalist()
    browser = Browser(live_server.url, VoterFactory())
    # The database goes away in the middle of the request, just before the vote's INSERT.
    insert = services._insert_if_open

    def cut_then_insert(*args, **kwargs):
        outage.begin()
        return insert(*args, **kwargs)

    monkeypatch.setattr(services, "_insert_if_open", cut_then_insert)

    status, page = browser.request(VOTE_URL, {"finalist": finalist.pk, "confirmed": "yes"})

    assert status == 503
    assert "Kiitos" not in page
    assert "Palvelussa on tilapäinen häiriö" in page
    outage.end()
    monkeypatch.undo()
    status, page = browser.until_answers("/finalistit/")
    assert status == 200
    assert "Äänestit finalistia" not in page
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_an_error_that_is_not_the_databases_answers_500_with_the_same_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "public_competition", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Palvelussa on tilapäinen häiriö" in response.content.decode()
    assert '<a href="/">Etusivulle</a>' in response.content.decode()
