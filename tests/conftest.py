import pytest

from tests.factories.hyvakaytanto import CompetitionFactory


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
    client.force_login(staff_user)
    return client


@pytest.fixture
def competition(db):
    """The current competition, in its nomination phase."""
    return CompetitionFactory()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last. Playwright keeps an event loop running in the test thread from
    the first browser test on, and there Django hands out a connection without the test
    database's snapshot, so later transactional tests could not get their seeded rows back."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)
