"""Who may vote and who may see the count. Plain predicates."""

from allauth.account.models import EmailAddress

from hyvakaytanto.enums import Phase
from hyvakaytanto.models import Competition


def is_verified_voter(user) -> bool:
    """Signed in, active, not staff, and with a verified e-mail address (one query)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_staff
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def can_view_tally(user, competition: Competition) -> bool:
    """The running count stays secret until voting has closed, and then only for staff
    with the dedicated permission (publishing the results makes it public)."""
    return bool(
        user.is_staff
        and user.has_perm("voting.view_tally")
        and competition.phase in {Phase.DELIBERATION, Phase.PUBLISHED}
    )
