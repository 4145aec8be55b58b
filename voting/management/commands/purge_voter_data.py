from django.core.management.base import BaseCommand

from voting.services import voter_data_purge


class Command(BaseCommand):
    help = (
        "Erase voters' accounts and network data for years whose results were published "
        "longer ago than VOTER_DATA_RETENTION_DAYS. The votes and every count are kept. "
        "Run daily (cron or a scheduled job)."
    )

    def handle(self, *args, **options):
        purged = voter_data_purge()
        self.stdout.write(
            f"{purged.competitions} year(s) past retention: {purged.voters} voter account(s) "
            f"erased, {purged.votes_cleared} vote(s) cleared of network data."
        )
