from django.core.management.base import BaseCommand

from hyvakaytanto.ratelimit import clear_expired


class Command(BaseCommand):
    help = (
        "Delete rate-limit counters of windows that ended over a day ago (they hold keyed "
        "hashes of client addresses, which the privacy notice keeps for at most a day). "
        "Run daily, with purge_voter_data."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{clear_expired()} expired rate-limit counter(s) deleted.")
