"""Who may vote and who may see the count. Plain predicates."""

from allauth.account.models import EmailAddress

from core.enums import Phase
from core.models import Competition


def is_voter_account(user) -> bool:
    """Signed in, active and not staff: an account that may vote once its address is
    verified (no query)."""
    return bool(user.is_authenticated and user.is_active and not user.is_staff)


def is_verified_voter(user) -> bool:
    """A voter account with a verified e-mail address (one query)."""
    return is_voter_account(user) and (
        EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def can_view_tallies(user) -> bool:
    """Staff with the dedicated permission (the Viestintä group) may open the tally screen."""
    return bool(user.is_active and user.is_staff and user.has_perm("voting.view_tally"))


def can_view_tally(user, competition: Competition) -> bool:
    """The running count stays secret until voting has closed, and then only for staff
    with the dedicated permission (publishing the results makes it public)."""
    return can_view_tallies(user) and competition.phase in {Phase.DELIBERATION, Phase.PUBLISHED}


def can_handle_voter_requests(user) -> bool:
    """Communications staff answer a voter's request to see or erase their data."""
    return bool(user.is_active and user.is_staff and user.has_perm("voting.handle_voter_requests"))


def can_review_votes(user) -> bool:
    """Staff with the dedicated permission decide on flagged votes, during the vote and
    after it, until the results are published."""
    return bool(user.is_active and user.is_staff and user.has_perm("voting.review_votes"))
