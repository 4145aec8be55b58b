"""Writes for the public vote."""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hyvakaytanto.enums import Phase
from hyvakaytanto.models import Competition
from hyvakaytanto.ratelimit import pseudonym
from jury.models import Finalist
from voting.models import Vote
from voting.permissions import is_verified_voter

# The competition fields its phase is computed from.
_PHASE_FIELDS = (
    "nomination_opens_at",
    "nomination_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "finalists_published_at",
    "results_published_at",
)


class AlreadyVoted(ValidationError):
    def __init__(self, vote: Vote):
        self.vote = vote
        super().__init__(_("Olet jo äänestänyt tänä vuonna. Ääntä ei voi vaihtaa."))


@dataclass(frozen=True)
class Cast:
    vote: Vote
    created: bool


def network_of(address: str) -> str:
    """A keyed hash of the client's network (/24 for IPv4, /48 for IPv6), never the address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return pseudonym(str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def vote_cast(*, voter, finalist_id: int, client_address: str = "") -> Cast:
    """Cast the voter's one vote for a published finalist while voting is open.

    One INSERT guarded by the (competition, voter) constraint, so concurrent requests on any
    number of app servers leave exactly one vote. A repeat for the same finalist (a double
    click) returns the existing vote with ``created=False``; a vote for another finalist
    raises AlreadyVoted. Returns only after the vote is committed.
    Raises PermissionDenied without a verified e-mail and ValidationError when the finalist
    is not open for votes (unpublished, another year, outside the window in server time).
    """
    if not (voter.is_authenticated and voter.is_active and not voter.is_staff):
        raise PermissionDenied(_("Vahvista sähköpostiosoitteesi ennen äänestämistä."))
    try:
        # Only what the vote needs: this runs on every vote, and the nomination's long texts
        # are not among it.
        finalist = (
            Finalist.objects.select_related("nomination__competition")
            .only(
                "nomination__practice_name",
                *(f"nomination__competition__{field}" for field in _PHASE_FIELDS),
            )
            .get(pk=finalist_id)
        )
    except Finalist.DoesNotExist:
        raise ValidationError(_("Valitsemaasi finalistia ei löytynyt.")) from None
    competition = finalist.nomination.competition
    phase = competition.phase
    if phase != Phase.VOTING:
        if phase in {Phase.DELIBERATION, Phase.PUBLISHED}:
            raise ValidationError(_("Äänestys on päättynyt."))
        raise ValidationError(_("Äänestys ei ole vielä alkanut."))
    vote = _insert_unless_voted(competition, voter, finalist, network_of(client_address))
    if vote is not None:
        return Cast(vote=vote, created=True)
    # Nothing inserted: the voter has no verified address, or has voted already.
    if not is_verified_voter(voter):
        raise PermissionDenied(_("Vahvista sähköpostiosoitteesi ennen äänestämistä."))
    existing = Vote.objects.select_related("finalist__nomination").get(
        competition=competition, voter=voter
    )
    if existing.finalist_id == finalist.pk:
        return Cast(vote=existing, created=False)
    raise AlreadyVoted(existing)


def _insert_unless_voted(competition, voter, finalist, network: str) -> Vote | None:
    """One INSERT … ON CONFLICT DO NOTHING that also requires a verified e-mail address:
    the new vote, or None if the voter has one already or has no verified address.

    A single statement is its own transaction, so the vote is committed when this returns,
    and a concurrent insert by the same voter waits for ours and then does nothing.
    """
    # Only the table names (ours) are formatted into the SQL; every value is a parameter.
    table, addresses = Vote._meta.db_table, EmailAddress._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (competition_id, voter_id, finalist_id, cast_at, network)
            SELECT %s, %s, %s, %s, %s
            WHERE EXISTS (SELECT 1 FROM {addresses} WHERE user_id = %s AND verified)
            ON CONFLICT (competition_id, voter_id) DO NOTHING
            RETURNING id, cast_at
            """,  # noqa: S608  # nosec B608
            [competition.pk, voter.pk, finalist.pk, timezone.now(), network, voter.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    vote_id, cast_at = row
    return Vote(
        id=vote_id,
        competition=competition,
        voter=voter,
        finalist=finalist,
        cast_at=cast_at,
        network=network,
    )


@transaction.atomic
def voter_delete_account(*, voter) -> None:
    """A voter erases their account.

    While voting is open their vote goes with it (so they could not vote twice by signing up
    again); after voting has closed the vote stays, without the voter, so the counts hold.
    """
    if voter.is_staff:
        raise PermissionDenied
    now = timezone.now()
    for vote in Vote.objects.filter(voter=voter).select_related("competition"):
        if vote.competition.phase_at(now) == Phase.VOTING:
            vote.delete()
    get_user_model().objects.filter(pk=voter.pk).delete()


@dataclass(frozen=True)
class Purged:
    competitions: int
    voters: int
    votes_cleared: int


@transaction.atomic
def voter_data_purge(*, now=None) -> Purged:
    """Erase voters' personal data for every year whose results were published longer ago
    than VOTER_DATA_RETENTION_DAYS: their accounts (and e-mail addresses) and the network
    hashes of their votes. The votes stay, without a voter, so every count holds.

    A voter who also voted in a year still within its retention period keeps their account
    until that year is purged too. Staff accounts are never touched.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VOTER_DATA_RETENTION_DAYS)
    expired = Competition.objects.filter(results_published_at__lte=cutoff)
    kept = Competition.objects.exclude(pk__in=expired.values("pk"))
    votes = Vote.objects.filter(competition__in=expired)
    voters = (
        get_user_model()
        .objects.filter(is_staff=False, votes__competition__in=expired)
        .exclude(votes__competition__in=kept)
        .distinct()
    )
    voter_count = voters.count()
    # Deleting a user empties vote.voter (SET_NULL) and removes their e-mail addresses.
    for voter in voters:
        voter.delete()
    cleared = votes.exclude(network="").update(network="")
    return Purged(competitions=expired.count(), voters=voter_count, votes_cleared=cleared)
