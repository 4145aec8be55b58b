"""The sign-in's proof of work (ALTCHA, protocol v1, self-hosted): the browser finds a number
whose hash matches a challenge the server signed, which costs a script sending codes in bulk
far more than a person asking for one. No cookie and no third party.

Each solution is accepted once, on whichever node it arrives: its challenge is recorded in
PostgreSQL until it expires (``ProofOfWork``). Without JavaScript there is no solution; the
request is then held to a stricter limit per network and its vote is flagged
(voting/flags.py)."""

import base64
import binascii
import json
from datetime import timedelta
from enum import Enum

from altcha import ChallengeOptionsV1, create_challenge_v1, verify_solution_v1
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from voting.models import ProofOfWork

# A solution is a few hundred characters of base64; anything far longer is not one (and a
# deeply nested JSON document is kept from the parser).
MAX_PAYLOAD = 2000


class Proof(Enum):
    VALID = "valid"
    MISSING = "missing"  # no JavaScript, or a script that skipped it
    INVALID = "invalid"  # forged, expired, or for another site
    REUSED = "reused"


def _key() -> str:
    return salted_hmac("voting.proof_of_work", "altcha").hexdigest()


def challenge() -> dict:
    """A new signed challenge, valid for PROOF_OF_WORK_SECONDS."""
    expires = timezone.now() + timedelta(seconds=settings.PROOF_OF_WORK_SECONDS)
    return create_challenge_v1(
        ChallengeOptionsV1(
            hmac_key=_key(), max_number=settings.PROOF_OF_WORK_MAX_NUMBER, expires=expires
        )
    ).to_dict()


def check(payload: str) -> Proof:
    """Whether ``payload`` (the widget's form field) proves the work, once."""
    payload = (payload or "").strip()
    if not payload:
        return Proof.MISSING
    if len(payload) > MAX_PAYLOAD:
        return Proof.INVALID
    try:
        solved = json.loads(base64.b64decode(payload, validate=True))
        if not isinstance(solved, dict):
            return Proof.INVALID
        valid, _error = verify_solution_v1(solved, _key(), check_expires=True)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError, binascii.Error):
        return Proof.INVALID
    if not valid:
        return Proof.INVALID
    try:
        with transaction.atomic():
            ProofOfWork.objects.create(
                signature=str(solved["signature"])[:128],
                expires_at=timezone.now() + timedelta(seconds=settings.PROOF_OF_WORK_SECONDS),
            )
    except IntegrityError:
        return Proof.REUSED
    return Proof.VALID


def proofs_erase_expired(*, now=None) -> int:
    """Forget the solutions whose challenges have expired (they cannot be replayed)."""
    deleted, _ = ProofOfWork.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
