"""Every node of a deployment must run with the same SECRET_KEY.

Sessions, signed links, receipt codes and rate-limit pseudonyms are all keyed with it: a node
with another key sends a signed-in voter back to the sign-in page, and counts them as someone
else. ``migrate`` records a keyed fingerprint of the key in the database (the key cannot be
recovered from it); ``manage.py check --deploy`` on each node compares its own.

Changing the key on purpose: put the old key in SECRET_KEY_FALLBACKS and the new one in
SECRET_KEY on every node; the first ``migrate`` with the new key records it.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import DatabaseError

from core.models import KeyFingerprint

_PURPOSE = b"hyvakaytanto: the fingerprint of the deployment's SECRET_KEY"


def key_fingerprint(key: str) -> str:
    return hmac.new(key.encode(), _PURPOSE, hashlib.sha256).hexdigest()[:16]


def key_fingerprint_record() -> str:
    """Record this node's key when none is recorded, or when the one recorded is among its
    fallbacks (a rotation). Returns what happened: "recorded", "rotated", "same" or
    "different" (another key is recorded; nothing is changed)."""
    ours = key_fingerprint(settings.SECRET_KEY)
    fallbacks = {key_fingerprint(key) for key in settings.SECRET_KEY_FALLBACKS}
    row, created = KeyFingerprint.objects.get_or_create(
        id=KeyFingerprint.SINGLE_ROW, defaults={"fingerprint": ours}
    )
    if created:
        return "recorded"
    if row.fingerprint == ours:
        return "same"
    if row.fingerprint in fallbacks:
        row.fingerprint = ours
        row.save(update_fields=["fingerprint", "recorded_at"])
        return "rotated"
    return "different"


def key_fingerprint_mismatch() -> tuple[str, str] | None:
    """(recorded, this node's) when another key is recorded; None when it is the same, none
    is recorded yet, or the database cannot be read."""
    try:
        recorded = (
            KeyFingerprint.objects.filter(id=KeyFingerprint.SINGLE_ROW)
            .values_list("fingerprint", flat=True)
            .first()
        )
    except DatabaseError:
        return None
    ours = key_fingerprint(settings.SECRET_KEY)
    if recorded is None or recorded == ours:
        return None
    return recorded, ours
