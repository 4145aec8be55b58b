import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Lower, TruncHour
from django.utils import timezone
from django.utils.text import slugify

from core.caching import content_generation
from core.models import Competition
from core.queries import public_competition
from jury.models import Finalist
from voting import sql
from voting.models import Vote
from voting.permissions import is_voter_account


def published_finalists(competition: Competition) -> list[Finalist]:
    """The year's finalists once published, else none (one query)."""
    if competition.finalists_published_at is None:
        return []
    return list(
        Finalist.objects.filter(nomination__competition=competition)
        .select_related("nomination")
        .order_by("order", "pk")
    )


_snapshot: tuple[float, int, Competition | None, list[Finalist]] | None = None


def public_finalists() -> tuple[Competition | None, list[Finalist]]:
    """The current year and its published finalists, as every visitor sees them.

    The finalist page is the busiest public page while the vote is on, and these rows change
    a few times a year, so each process keeps them for PUBLIC_PAGE_CACHE_SECONDS. The phase
    is still computed from the clock on every request, and casting a vote never reads this.
    """
    global _snapshot
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    now, generation = time.monotonic(), content_generation()
    if (
        seconds > 0
        and _snapshot is not None
        and now - _snapshot[0] < seconds
        and _snapshot[1] == generation
    ):
        return _snapshot[2], _snapshot[3]
    competition = public_competition()
    finalists = published_finalists(competition) if competition else []
    _snapshot = (now, generation, competition, finalists)
    return competition, finalists


def finalist_slug(finalist: Finalist, finalists: list[Finalist]) -> str:
    """The finalist's address within the year: its practice's name as a slug, with its
    number added only when two of the year's finalists would share one."""
    slug = slugify(finalist.nomination.practice_name) or str(finalist.pk)
    clashes = [f for f in finalists if slugify(f.nomination.practice_name) == slug]
    return slug if len(clashes) <= 1 else f"{slug}-{finalist.pk}"


def public_finalist(slug: str) -> tuple[Competition | None, Finalist | None]:
    """The current year's published finalist at ``slug`` (from ``public_finalists``)."""
    competition, finalists = public_finalists()
    return competition, next((f for f in finalists if finalist_slug(f, finalists) == slug), None)


def public_finalist_slug(finalist_id: int) -> str:
    """The address of the current year's published finalist ``finalist_id``, or ""."""
    _competition, finalists = public_finalists()
    finalist = next((f for f in finalists if f.pk == finalist_id), None)
    return finalist_slug(finalist, finalists) if finalist else ""


def shuffled_for_visitor(finalists: list[Finalist], seed: str) -> list[Finalist]:
    """The finalists in an order of this visitor's own, the same on every visit.

    Listing first is an advantage in a vote; a per-visitor order spreads it evenly, and a
    stable one does not confuse a visitor who comes back.
    """
    return sorted(finalists, key=lambda f: hashlib.sha256(f"{seed}:{f.pk}".encode()).digest())


@dataclass(frozen=True)
class VisitorVote:
    """Where the visitor stands in a year's vote: may they vote, and whom did they vote for."""

    verified: bool
    finalist_id: int | None = None
    cast_at: datetime | None = None


def visitor_vote(user, competition: Competition) -> VisitorVote:
    """Whether ``user`` is a verified voter, and their vote in ``competition`` (one query).

    The finalist page asks this on every signed-in view, so it is one plain SELECT: the ORM
    took twice as long to build its two queries as to render the rest of the page's data.
    """
    if not is_voter_account(user):
        return VisitorVote(verified=False)
    verified, finalist_id, cast_at = sql.visitor_vote_row(user.pk, competition.pk)
    return VisitorVote(verified=verified, finalist_id=finalist_id, cast_at=cast_at)


@dataclass(frozen=True)
class TallyRow:
    finalist: Finalist
    votes: int
    share: float  # percent of all votes, 0 when there are none
    is_favourite: bool


def tally(competition: Competition) -> list[TallyRow]:
    """Votes per finalist, most first; every finalist with the most votes is a favourite
    (a tie gives the certificate to each). Only the votes that stand count: not those removed
    in the vote's review (voting/review.py). One query."""
    finalists = list(
        Finalist.objects.filter(nomination__competition=competition)
        .select_related("nomination")
        .annotate(vote_count=Count("votes", filter=Q(votes__removed_rule="")))
        .order_by("-vote_count", "order", "pk")
    )
    total = sum(f.vote_count for f in finalists)
    top = max((f.vote_count for f in finalists), default=0)
    return [
        TallyRow(
            finalist=f,
            votes=f.vote_count,
            share=100 * f.vote_count / total if total else 0.0,
            is_favourite=top > 0 and f.vote_count == top,
        )
        for f in finalists
    ]


# --- Integrity report -----------------------------------------------------------------------

QUICK_VOTE = timedelta(minutes=1)
CROWDED_NETWORK = 10  # distinct voters from one /24 worth a look


def votes_per_hour(competition: Competition) -> QuerySet:
    return (
        Vote.objects.filter(competition=competition)
        .annotate(hour=TruncHour("cast_at"))
        .values("hour")
        .annotate(count=Count("pk"))
        .order_by("hour")
    )


def signups_per_hour(competition: Competition) -> QuerySet:
    """Voter accounts created during the voting window and confirmed with their code, per
    hour (asking for a code makes an account; one never confirmed is not a sign-up)."""
    return (
        get_user_model()
        .objects.filter(
            is_staff=False,
            date_joined__gte=competition.voting_opens_at,
            date_joined__lt=competition.voting_closes_at,
            emailaddress__verified=True,
        )
        .annotate(hour=TruncHour("date_joined"))
        .values("hour")
        .annotate(count=Count("pk", distinct=True))
        .order_by("hour")
    )


def quick_votes_per_hour(competition: Competition) -> QuerySet:
    """Votes cast within a minute of the account's creation, per hour."""
    since_signup = ExpressionWrapper(
        F("cast_at") - F("voter__date_joined"), output_field=DurationField()
    )
    return (
        Vote.objects.filter(competition=competition, voter__isnull=False)
        .annotate(since_signup=since_signup)
        .filter(since_signup__lt=QUICK_VOTE)
        .annotate(hour=TruncHour("cast_at"))
        .values("hour")
        .annotate(count=Count("pk"))
        .order_by("hour")
    )


def crowded_networks(competition: Competition, *, at_least: int = CROWDED_NETWORK) -> QuerySet:
    """Networks (keyed hashes of /24s) from which many voters voted, with their split."""
    return (
        Vote.objects.filter(competition=competition)
        .exclude(network="")
        .values("network")
        .annotate(voters=Count("pk"), finalists=Count("finalist", distinct=True))
        .filter(voters__gte=at_least)
        .order_by("-voters")
    )


# A domain "jumps" when one hour brings it at least this many votes and this many times its
# average hour in the rest of the vote: a campaign of new addresses at one organisation, or
# someone with a domain of their own and a catch-all mailbox.
DOMAIN_JUMP_VOTES = 10
DOMAIN_JUMP_FACTOR = 5
DOMAINS_LISTED = 25


@dataclass(frozen=True)
class DomainRow:
    domain: str  # "" for votes whose voter has deleted their account
    votes: int
    share: float  # percent of all votes
    peak_hour: datetime
    peak_votes: int
    jumped: bool


@dataclass(frozen=True)
class DomainReport:
    rows: list[DomainRow]  # every domain that jumped, then the most voted, at most DOMAINS_LISTED
    other_domains: int  # domains left out of rows
    other_votes: int


def _voting_hours(competition: Competition) -> int:
    end = min(competition.voting_closes_at, timezone.now())
    return max(1, -(-int((end - competition.voting_opens_at).total_seconds()) // 3600))


def votes_per_domain(competition: Competition) -> DomainReport:
    """Votes per mailbox domain (the canonical one: googlemail.com counts as gmail.com), with
    each domain's busiest hour and whether it jumped. One query."""
    address = Coalesce(
        F("voter__mailbox__canonical"), Lower("voter__email"), output_field=CharField()
    )
    per_hour = (
        Vote.objects.filter(competition=competition)
        .annotate(
            domain=Func(
                address, Value("@"), Value(2), function="split_part", output_field=CharField()
            ),
            hour=TruncHour("cast_at"),
        )
        .values_list("domain", "hour")
        .annotate(count=Count("pk"))
    )
    hours: dict[str, list[tuple[datetime, int]]] = {}
    for domain, hour, count in per_hour:
        hours.setdefault(domain or "", []).append((hour, count))
    total = sum(count for counts in hours.values() for _, count in counts)
    window = _voting_hours(competition)
    rows = []
    for domain, counts in hours.items():
        votes = sum(count for _, count in counts)
        peak_hour, peak_votes = max(counts, key=lambda item: (item[1], item[0]))
        usual = (votes - peak_votes) / max(window - 1, 1)
        jumped = bool(domain) and peak_votes >= max(DOMAIN_JUMP_VOTES, DOMAIN_JUMP_FACTOR * usual)
        rows.append(DomainRow(domain, votes, 100 * votes / total, peak_hour, peak_votes, jumped))
    rows.sort(key=lambda row: (not row.jumped, -row.votes, row.domain))
    listed = max(DOMAINS_LISTED, sum(row.jumped for row in rows))
    shown, left_out = rows[:listed], rows[listed:]
    return DomainReport(
        rows=shown,
        other_domains=len(left_out),
        other_votes=sum(row.votes for row in left_out),
    )
