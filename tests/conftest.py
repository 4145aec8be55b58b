import contextlib
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from jury.enums import Recognition
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.voting import VoteFactory
from tests.queue import run_worker


@pytest.fixture(scope="session", autouse=True)
def queued_email(django_test_environment):
    """E-mail goes through the task queue as in production. (Django's test set-up replaces
    EMAIL_BACKEND with its outbox; here the outbox is only where the worker delivers.)"""
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"


@pytest.fixture
def delivering(mailoutbox):
    """``with delivering(): ...``: after the block, the queue's worker has delivered every
    e-mail that was due to Django's test outbox (``mailoutbox``)."""

    @contextlib.contextmanager
    def deliver():
        yield mailoutbox
        run_worker()

    return deliver


@pytest.fixture(autouse=True)
def fresh_page_cache(request):
    """Every test starts with no public page kept from another test's data (the micro-cache
    of core/caching.py and the finalist list of voting/queries.py live in the test
    process), and with the site's identity
    already read, as a running server has it (core/branding.py): query counts are
    those of every request but a process's first."""
    from django.core.cache import caches

    from core.branding import forget_site_identity, site_identity
    from voting import queries as voting_queries

    caches["pages"].clear()
    forget_site_identity()
    voting_queries._snapshot = None
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", False)
        request.getfixturevalue("transactional_db" if transactional else "db")
        site_identity()
    yield
    forget_site_identity()


@pytest.fixture(autouse=True)
def finnish_by_default():
    """Every test starts in Finnish, as a fresh visitor does: reverse() follows the active
    language, and a request in an earlier test may have left another one active."""
    with translation.override("fi"):
        yield


# --- The roles, for every app's tests of who may and who may not -------------------------------


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def voter(db):
    """A public voter with a verified e-mail address."""
    from tests.factories.voting import VoterFactory

    return VoterFactory()


@pytest.fixture
def nominator(db):
    """A nomination in the current year's nomination phase and its private link's token."""
    from tests.factories.nominations import NominationFactory

    nomination = NominationFactory(token="nominator-private-link-token-abcdefghijkl")
    return nomination, "nominator-private-link-token-abcdefghijkl"


@pytest.fixture
def this_year(db):
    """A year whose jury is scoring now."""
    return CompetitionFactory(review=True)


@pytest.fixture
def juror_seat(this_year):
    from tests.factories.jury import JuryMemberFactory

    return JuryMemberFactory(competition=this_year)


@pytest.fixture
def chair_seat(this_year):
    from tests.factories.jury import JuryMemberFactory

    return JuryMemberFactory(competition=this_year, chair=True)


@pytest.fixture
def other_years_juror(db):
    """A juror on another year's panel."""
    from tests.factories.jury import JuryMemberFactory

    return JuryMemberFactory(competition=CompetitionFactory(review=True))


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="paakayttaja", email="paakayttaja@talentia.example", password="x"
    )


@pytest.fixture
def staff_user(django_user_model):
    """Communications staff: a superuser who sets up the year in the admin."""
    return django_user_model.objects.create_user(
        username="viestinta",
        email="viestinta@talentia.example",
        password="x",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def staff_client(client, staff_user):
    return admin_login(client, staff_user)


@pytest.fixture
def competition(db):
    """The current competition, in its nomination phase."""
    return CompetitionFactory()


@pytest.fixture
def staff(db):
    """Communications staff (the Viestintä group), not a superuser."""
    return StaffUserFactory(groups=["Viestintä"])


@pytest.fixture
def closed_year(db):
    """A year whose vote has closed: a winner, a certificate of honour, two finalists tied
    for the audience's favourite (one of them the winner), and one more finalist."""
    competition = CompetitionFactory(year=2027, deliberation=True)
    finalist = lambda name, **kw: FinalistFactory(  # noqa: E731
        nomination__competition=competition, nomination__practice_name=name, **kw
    )
    winner = finalist(
        "Perhe yhtenäiseksi",
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
        order=0,
    )
    mention = finalist(
        "Ruskon nanny",
        recognition=Recognition.HONOURABLE_MENTION,
        recognition_statement="Kunniakirja.",
        order=1,
    )
    tied = finalist("Sijaishuollon haastekisa", order=2)
    plain = finalist("Enna-malli", order=3)
    for target, count in [(winner, 5), (tied, 5), (mention, 3), (plain, 2)]:
        VoteFactory.create_batch(count, finalist=target, competition=competition)
    return competition


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last. Playwright keeps an event loop running in the test thread from
    the first browser test on, and there Django hands out a connection without the test
    database's snapshot, so later transactional tests could not get their seeded rows back."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)


def pytest_configure(config):
    """Compile the translation catalogues that are older than their sources, so that a plain
    `pytest` sees the same Swedish and English pages as `python3 dev.py test`."""
    for po_path in (Path(__file__).resolve().parents[1] / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as source, mo_path.open("wb") as target:
                write_mo(target, read_po(source))


@pytest.fixture
def published_year(db):
    """The year 2031 with its results published: a winner with two votes, another finalist."""
    from archive import services as archive_services
    from jury.enums import Recognition
    from tests.factories.hyvakaytanto import CompetitionFactory
    from tests.factories.jury import FinalistFactory, StaffUserFactory
    from tests.factories.voting import VoteFactory

    competition = CompetitionFactory(year=2031, deliberation=True)
    winner = FinalistFactory(
        nomination__competition=competition,
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
    )
    FinalistFactory(nomination__competition=competition)
    VoteFactory.create_batch(2, finalist=winner, competition=competition)
    archive_services.results_publish(
        competition=competition, by=StaffUserFactory(groups=["Viestintä"])
    )
    return competition


def pytest_terminal_summary(terminalreporter):
    """The sweeps' counts of pages visited, in every run's output (tests/addresses.py)."""
    from tests.addresses import SWEEP_REPORT

    if SWEEP_REPORT:
        terminalreporter.section("sweeps")
        for line in SWEEP_REPORT:
            terminalreporter.write_line(line)
