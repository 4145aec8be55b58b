"""Rows the benchmarks fill their throwaway databases with (Django must be set up first)."""

import secrets
from datetime import timedelta

from django.utils import timezone


def competition(*, days_since_opening: int, finalists_published: bool = False):
    """A year whose nominations opened this many days ago, on the usual timeline
    (60 days of nominations, scoring until day 100, the vote on days 110–131)."""
    from core.models import Competition

    opens = timezone.now() - timedelta(days=days_since_opening)
    return Competition.objects.create(
        year=2099,
        title="Hyvä käytäntö 2099",
        introduction="-",
        prize_text="-",
        nomination_opens_at=opens,
        nomination_closes_at=opens + timedelta(days=60),
        scoring_closes_at=opens + timedelta(days=100),
        voting_opens_at=opens + timedelta(days=110),
        voting_closes_at=opens + timedelta(days=131),
        finalists_published_at=opens + timedelta(days=109) if finalists_published else None,
    )


def nomination(competition, number: int):
    """An unsaved nomination with placeholder texts (save it or bulk_create it)."""
    from nominations.models import Nomination, hash_token

    return Nomination(
        competition=competition,
        practice_name=f"Käytäntö {number}",
        summary="-",
        organisations="-",
        region="helsinki",
        target_group="-",
        contact_name="-",
        contact_title="-",
        contact_email=f"n{number}@example.invalid",
        contact_phone="-",
        publish_consent=True,
        privacy_acknowledged_at=timezone.now(),
        token_hash=hash_token(secrets.token_urlsafe(16)),
    )
