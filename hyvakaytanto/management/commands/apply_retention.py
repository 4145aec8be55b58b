from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core import audit
from core.services import core_records_erase_expired
from jury.services import invitations_erase_expired
from nominations.services import contact_data_erase_expired, drafts_erase_expired
from voting.proof import proofs_erase_expired
from voting.services import voter_data_purge, voter_unconfirmed_purge


class Command(BaseCommand):
    help = (
        "Erase personal data past its retention period, keeping the archive, the awards and "
        "every vote count: voter accounts never confirmed with their code (after a day), "
        "voters' accounts and network data (VOTER_DATA_RETENTION_DAYS after "
        "a year's results are published), nominations' contact persons and attachments "
        "(NOMINATION_CONTACT_RETENTION_DAYS), unsent nomination drafts "
        "(NOMINATION_DRAFT_RETENTION_DAYS after the nomination deadline), invitations revoked or "
        "expired (INVITATION_KEPT_DAYS) with any account they began, spent proof-of-work "
        "solutions once expired, the vote review's evidence with the voters' data, rate-limit "
        "counters older than a day, expired "
        "sessions and failed sign-ins, audit log events older than two years, and the rows of "
        "delivered or failed e-mail (SENT_EMAIL_RETENTION_DAYS, FAILED_EMAIL_RETENTION_DAYS). "
        "The task queue's worker runs it every night. Each app erases its own data through "
        "its services; this command, part of the project's composition, only calls them."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        with transaction.atomic():
            voters = voter_data_purge(now=now)
            unconfirmed = voter_unconfirmed_purge(now=now)
            contacts = contact_data_erase_expired(now=now)
            drafts = drafts_erase_expired(now=now)
            invitations = invitations_erase_expired(now=now)
            proofs = proofs_erase_expired(now=now)
            core = core_records_erase_expired(now=now)
            counters, attempts = core.rate_limit_counters, core.expired_login_attempts
            events, emails = core.audit_events, core.outgoing_emails
            summary = {
                "voter_accounts": voters.voters,
                "unconfirmed_voter_accounts": unconfirmed,
                "votes_cleared_of_network_data": voters.votes_cleared,
                "nomination_contacts": contacts,
                "nomination_drafts": drafts,
                "invitations": invitations,
                "spent_proofs_of_work": proofs,
                "rate_limit_counters": counters,
                "expired_login_attempts": attempts,
                "audit_events": events,
                "outgoing_emails": emails,
            }
            if any(summary.values()):
                audit.record(audit.Action.RETENTION, target="apply_retention", **summary)
        self.stdout.write(
            f"Erased {voters.voters} voter account(s), {unconfirmed} never confirmed, "
            f"network data of "
            f"{voters.votes_cleared} vote(s), contact data of {contacts} nomination(s); deleted "
            f"{drafts} unsent nomination draft(s), {invitations} ended invitation(s), "
            f"{counters} rate-limit counter(s), {attempts} expired failed sign-in(s), "
            f"{events} audit event(s) over two years old and {emails} old outgoing e-mail "
            "row(s); cleared expired sessions."
        )
