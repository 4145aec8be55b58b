"""Fixed-window rate limits counted in PostgreSQL.

Each call is one atomic upsert, so concurrent requests on any number of app servers are all
counted. Clients are identified by a keyed hash of their address (or of an e-mail address),
never by the address itself.
"""

import functools
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core import sql
from core.models import RateLimitCounter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: timedelta


def client_address(request) -> str:
    """The client's address, honouring X-Forwarded-For only from the trusted proxies.

    With ``TRUSTED_PROXY_COUNT = n`` the n-th address from the right of X-Forwarded-For is the
    client as the outermost trusted proxy saw it; anything left of it could be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
        if forwarded:
            # Fewer proxies than configured: the leftmost address is the best there is.
            _warn_short_forwarded_once(len(forwarded), proxies)
            return forwarded[0]
    return request.META.get("REMOTE_ADDR", "")


@functools.cache
def _warn_short_forwarded_once(found: int, proxies: int) -> None:
    logger.warning(
        "X-Forwarded-For has %d address(es) but TRUSTED_PROXY_COUNT is %d: check the proxies "
        "in front of the site (the leftmost address is used meanwhile)",
        found,
        proxies,
    )


def pseudonym(value: str) -> str:
    """A keyed hash that identifies a client or address without storing it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def hit(limit: Limit, identity: str, *, now: datetime | None = None) -> bool:
    """Count one request by ``identity``; True while it is within ``limit``.

    One upsert (one round trip) per call. Counters of past windows stay until the daily
    ``apply_retention`` deletes them (``clear_expired``): deleting a key's old windows here
    made every hit several times as expensive for PostgreSQL (bench/README.md).
    """
    now = now or timezone.now()
    key = f"{limit.scope}:{pseudonym(identity)}"
    start = _window_start(now, limit.window)
    return sql.rate_limit_count(key, start) <= limit.count


def clear_expired(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove counters of windows that ended long ago; returns how many."""
    deleted, _ = RateLimitCounter.objects.filter(
        window_start__lt=timezone.now() - older_than
    ).delete()
    return deleted
