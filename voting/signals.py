"""A voter who signs in confirms the votes they were asked to confirm (voting/review.py): a
voter signs in only with a fresh code sent to their mailbox."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from voting import review
from voting.permissions import is_voter_account


@receiver(user_logged_in, dispatch_uid="voting.confirm_on_sign_in")
def confirm_votes_on_sign_in(sender, request, user, **kwargs) -> None:
    if is_voter_account(user):
        review.vote_confirm(voter=user)
