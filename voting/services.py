"""Writes for the public vote."""

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import audit, mail
from core.enums import Phase
from core.models import Competition
from core.ratelimit import pseudonym
from jury.models import Finalist
from voting import sql
from voting.mailboxes import canonical_address
from voting.models import Vote, VoteCluster, VoterMailbox
from voting.permissions import is_verified_voter, is_voter_account

# An account made by asking for a code is kept this long unless the code is entered.
UNCONFIRMED_KEPT = timedelta(days=1)


class AlreadyVoted(ValidationError):
    def __init__(self, vote: Vote):
        self.vote = vote
        super().__init__(_("Olet jo äänestänyt tänä vuonna. Ääntä ei voi vaihtaa."))


@dataclass(frozen=True)
class Cast:
    vote: Vote
    created: bool
    finalist_name: str


def network_of(address: str) -> str:
    """A keyed hash of the client's network (/24 for IPv4, /48 for IPv6), never the address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return pseudonym(str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def device_of(user_agent: str, language: str) -> str:
    """A keyed hash of the browser (its user agent and language), never the strings: for
    the review's "one browser, many accounts" (voting/flags.py)."""
    if not user_agent:
        return ""
    return pseudonym(f"device:{user_agent[:500]}|{language[:100]}")


def vote_cast(*, voter, finalist_id: int, client_address: str = "", device: str = "") -> Cast:
    """Cast the voter's one vote for a published finalist while voting is open, and queue
    the receipt e-mail (time and receipt code).

    The vote is one statement, its own transaction: it inserts the vote only if the finalist
    is published in a year whose vote is open at this moment (server time), the voter has a
    verified e-mail address and has not voted that year. The (competition, voter) constraint
    decides between concurrent requests on any number of app servers, so exactly one vote is
    stored. Returns only after the vote is committed.

    Only when nothing was inserted do further queries find out why: a repeat for the same
    finalist (a double click) returns the existing vote with ``created=False``; a vote for
    another finalist raises AlreadyVoted; PermissionDenied without a verified address;
    ValidationError when the finalist is unknown or not open for votes.
    """
    if not is_voter_account(voter):
        raise PermissionDenied(_("Vahvista sähköpostiosoitteesi ennen äänestämistä."))
    now = timezone.now()
    cast = _insert_if_open(voter, finalist_id, now, network_of(client_address), device)
    if cast is not None:
        return cast
    return _not_inserted(voter, finalist_id, now)


RECEIPTS_PER_BATCH = 500


def vote_receipts_send(*, limit: int = RECEIPTS_PER_BATCH) -> int:
    """Queue the receipts of the votes cast since the last run: the time of the vote and its
    code, not whom they voted for (a mailbox is not always read by its owner alone), in the
    language the vote was cast in. Once each: the votes are locked (others skip them) and
    marked in the transaction that queues their e-mail, so a vote is never receipted twice
    and, once committed, never missed. Nothing for a vote whose voter is gone.
    Returns how many votes were handled (at most ``limit``)."""
    with transaction.atomic():
        votes = list(
            Vote.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("voter")
            .filter(receipt_queued_at__isnull=True)
            .order_by("pk")[:limit]
        )
        for vote in votes:
            if vote.voter is None:
                continue
            with translation.override(vote.language):
                subject, body = mail.render_email(
                    "voting/email/receipt", {"vote": vote, "site_url": settings.SITE_URL}
                )
            mail.email_send(subject=subject, body=body, to=[vote.voter.email])
        Vote.objects.filter(pk__in=[vote.pk for vote in votes]).update(
            receipt_queued_at=timezone.now()
        )
    return len(votes)


def _insert_if_open(voter, finalist_id: int, now, network: str, device: str) -> Cast | None:
    """The vote's one statement: the new vote, or None when nothing was inserted.

    A concurrent insert by the same voter waits for ours to commit and then does nothing.
    """
    params = {
        "finalist": finalist_id,
        "voter": voter.pk,
        "now": now,
        "network": network,
        "language": (get_language() or "fi")[:8],
        "device": device,
    }
    row = sql.vote_insert_if_open(params)
    if row is None:
        return None
    vote_id, competition_id, cast_at, practice_name = row
    vote = Vote(
        id=vote_id,
        competition_id=competition_id,
        voter=voter,
        finalist_id=finalist_id,
        cast_at=cast_at,
        network=network,
    )
    return Cast(vote=vote, created=True, finalist_name=practice_name)


def _not_inserted(voter, finalist_id: int, now) -> Cast:
    """Why the vote's statement inserted nothing, at the same moment: the existing vote for
    a repeat of the same choice, else the refusal as an exception."""
    finalist = (
        Finalist.objects.select_related("nomination__competition").filter(pk=finalist_id).first()
    )
    if finalist is None:
        raise ValidationError(_("Valitsemaasi finalistia ei löytynyt."))
    phase = finalist.nomination.competition.phase_at(now)
    if phase != Phase.VOTING:
        if phase in {Phase.DELIBERATION, Phase.PUBLISHED}:
            raise ValidationError(_("Äänestys on päättynyt."))
        raise ValidationError(_("Äänestys ei ole vielä alkanut."))
    if not is_verified_voter(voter):
        raise PermissionDenied(_("Vahvista sähköpostiosoitteesi ennen äänestämistä."))
    existing = (
        Vote.objects.select_related("finalist__nomination")
        .filter(competition_id=finalist.nomination.competition_id, voter=voter)
        .first()
    )
    if existing is None:
        # The timeline or the voter's account changed between the two statements.
        raise ValidationError(_("Ääntä ei voitu tallentaa. Yritä uudelleen."))
    if existing.finalist_id == finalist.pk:
        return Cast(
            vote=existing, created=False, finalist_name=existing.finalist.nomination.practice_name
        )
    raise AlreadyVoted(existing)


def voter_for_address(*, email: str):
    """The account that signs in with ``email``: the one whose mailbox (canonical form,
    ``voting.mailboxes``) it is, or an existing account with that very address (staff and
    jurors too: the sign-in turns them away), or else a new voter's account with the address
    unverified, which the e-mailed code then verifies. One door: signing up is signing in.

    Concurrent first sign-ins of one mailbox meet at its unique row: one account is made.
    """
    canonical = canonical_address(email)
    mailbox = VoterMailbox.objects.select_related("user").filter(canonical=canonical).first()
    if mailbox is not None:
        _add_address(mailbox.user, email.strip().lower())
        return mailbox.user
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email.strip()).order_by("pk").first()
    try:
        with transaction.atomic():
            if existing is not None:
                if not existing.is_staff:
                    VoterMailbox.objects.create(user=existing, canonical=canonical)
                return existing
            return _new_voter(email=email.strip().lower(), canonical=canonical)
    except IntegrityError:
        return VoterMailbox.objects.select_related("user").get(canonical=canonical).user


def _add_address(user, email: str) -> None:
    """The alias typed becomes one of the account's addresses (unverified until its code is
    entered), so that the code sent to it verifies the account."""
    if EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        return
    try:
        with transaction.atomic():
            EmailAddress.objects.create(user=user, email=email, primary=False, verified=False)
    except IntegrityError:
        pass  # made by a concurrent request, or verified on another (legacy) account


def voter_mark_proof(user, *, proved: bool) -> None:
    """A code was asked for this voter with the proof-of-work step or without it. Without
    it, a vote cast after it is flagged (voting/flags.py); with it, the code now in use was
    proved, so an earlier request without the step no longer counts."""
    VoterMailbox.objects.filter(user=user).update(
        code_without_proof_at=None if proved else timezone.now()
    )


def voter_unconfirmed_purge(*, now=None) -> int:
    """Delete the voter accounts whose address was never confirmed with its code, a day after
    the code was asked for (a mistyped or someone else's address), unless they have voted;
    the number deleted. Their addresses go with them."""
    now = now or timezone.now()
    unconfirmed = (
        get_user_model()
        .objects.filter(is_staff=False, date_joined__lte=now - UNCONFIRMED_KEPT)
        .exclude(emailaddress__verified=True)
        .exclude(votes__isnull=False)
    )
    return _erase_voters(unconfirmed)


def _erase_voters(voters) -> int:
    """Delete these accounts and the e-mail still waiting for them; the number deleted.
    Deleting a user empties vote.voter (SET_NULL) and removes their e-mail addresses."""
    erased = 0
    for voter in voters:
        mail.email_forget(address=voter.email)
        voter.delete()
        erased += 1
    return erased


def _new_voter(*, email: str, canonical: str):
    user = get_user_model()(email=email, username=f"voter-{uuid.uuid4().hex[:20]}")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    VoterMailbox.objects.create(user=user, canonical=canonical)
    return user


def voter_pseudonym(voter) -> str:
    """How the audit log names an erased voter: a keyed hash of their mailbox, never the
    address, so a second request about the same mailbox can be matched to the first."""
    mailbox = getattr(voter, "mailbox", None)
    canonical = mailbox.canonical if mailbox else voter.email.lower()
    return "äänestäjä " + salted_hmac("voting.erased", canonical).hexdigest()[:16]


def voter_data(voter) -> dict:
    """Everything the site holds of one voter, for their access request."""
    votes = Vote.objects.filter(voter=voter).select_related("competition", "finalist__nomination")
    return {
        "account": {
            "email": voter.email,
            "joined": voter.date_joined,
            "last_login": voter.last_login,
            "addresses": list(
                EmailAddress.objects.filter(user=voter).values("email", "verified", "primary")
            ),
        },
        "votes": [
            {
                "year": vote.competition.year,
                "finalist": vote.finalist.nomination.practice_name,
                "cast_at": vote.cast_at,
                "receipt_code": vote.receipt_code,
                "language": vote.language,
            }
            for vote in votes
        ],
        "kept_otherwise": "Äänestyksen verkko on tallennettu vain avainnettuna tiivisteenä.",
    }


@transaction.atomic
def voter_delete_account(*, voter, by=None, request=None) -> None:
    """A voter's account is erased: by the voter, or by staff on the voter's request (``by``).

    While voting is open their vote goes with it (so they could not vote twice by signing up
    again); after voting has closed the vote stays, without the voter, so the counts hold.
    Outgoing e-mail to their address goes too. The audit log records the erasure under a
    pseudonym (``voter_pseudonym``), never the address.
    """
    if voter.is_staff:
        raise PermissionDenied
    audit.record(
        audit.Action.ERASED,
        actor=by,
        request=request if by is not None else None,
        target=voter_pseudonym(voter),
        on_request_to_staff=by is not None,
    )
    now = timezone.now()
    for vote in Vote.objects.filter(voter=voter).select_related("competition"):
        if vote.competition.phase_at(now) == Phase.VOTING:
            vote.delete()
    mail.email_forget(address=voter.email)
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
    voter_count = _erase_voters(voters)
    cleared = votes.exclude(network="", device="").update(network="", device="")
    # The review's evidence goes with the voters: the clusters' addresses and networks. The
    # decisions, their counts and each vote's standing stay.
    VoteCluster.objects.filter(competition__in=expired).delete()
    return Purged(competitions=expired.count(), voters=voter_count, votes_cleared=cleared)
