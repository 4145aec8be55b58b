from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from core.models import RateLimitCounter
from core.ratelimit import Limit, _warn_short_forwarded_once, client_address, hit
from tests.concurrency import at_once

LIMIT = Limit("test", count=3, window=timedelta(hours=1))
NOON = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_hit_allows_up_to_the_limit_within_a_window():
    results = [hit(LIMIT, "203.0.113.1", now=NOON + timedelta(minutes=m)) for m in range(4)]

    assert results == [True, True, True, False]


@pytest.mark.django_db
def test_a_new_window_starts_afresh():
    for _ in range(4):
        hit(LIMIT, "203.0.113.1", now=NOON)

    next_hour = [hit(LIMIT, "203.0.113.1", now=NOON + timedelta(hours=1)) for _ in range(4)]

    assert next_hour == [True, True, True, False]


@pytest.mark.django_db
def test_clients_are_counted_apart_and_stored_only_as_pseudonyms():
    for _ in range(3):
        hit(LIMIT, "203.0.113.1", now=NOON)

    assert hit(LIMIT, "203.0.113.2", now=NOON) is True
    assert not RateLimitCounter.objects.filter(key__contains="203.0.113").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_on_separate_connections_are_all_counted():
    limit = Limit("burst", count=1000, window=timedelta(hours=1))

    results = at_once(lambda _: hit(limit, "198.51.100.9", now=NOON), range(20))

    assert results == [True] * 20
    assert RateLimitCounter.objects.get(key__startswith="burst:").count == 20


def test_client_address_is_the_connecting_address_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_address(request) == "10.0.0.5"


def test_client_address_ignores_what_the_client_wrote_left_of_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50"
    )

    assert client_address(request) == "203.0.113.50"


@pytest.mark.django_db
def test_daily_command_deletes_counters_older_than_a_day_and_keeps_current_ones():
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    hit(LIMIT, "203.0.113.1", now=timezone.now() - timedelta(days=2))
    hit(LIMIT, "203.0.113.2")

    call_command("apply_retention", stdout=StringIO())

    assert RateLimitCounter.objects.count() == 1


def test_a_forwarded_header_shorter_than_the_proxies_uses_what_is_there_and_says_so_once(
    settings, caplog
):
    settings.TRUSTED_PROXY_COUNT = 2  # but only one proxy wrote the header
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")

    _warn_short_forwarded_once.cache_clear()  # as in a process just started

    addresses = [client_address(request) for _ in range(3)]

    assert addresses == ["203.0.113.9"] * 3
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_COUNT is 2" in r.getMessage()]
    assert len(warnings) == 1
