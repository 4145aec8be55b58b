from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.enums import Phase
from hyvakaytanto.demo import ACCOUNTS_FILE, accounts_text, demo_year_build


class Command(BaseCommand):
    help = (
        "Build (or rebuild) the demo competition year in the chosen phase, with its "
        "nominations, panel, scores, finalists, votes and results as far as that phase has "
        "them, and demo accounts for staff, the chair and a juror. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--phase",
            choices=[phase.value for phase in Phase],
            default=Phase.NOMINATION.value,
            help="The phase the demo year is in now (default: nomination).",
        )
        parser.add_argument(
            "--accounts-to-file-only",
            action="store_true",
            help=f"Write the demo accounts to {ACCOUNTS_FILE} without printing them "
            "(python3 dev.py start prints them once, just before the site starts).",
        )

    def handle(self, *args, phase: str, accounts_to_file_only: bool = False, **options):
        try:
            demo = demo_year_build(phase=Phase(phase))
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} Refusing to create demo accounts.") from error
        text = accounts_text(
            demo.accounts, settings.SITE_URL.rstrip("/"), draft_path=demo.draft_path
        )
        ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        ACCOUNTS_FILE.write_text(text + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo competition {demo.competition.year} is now in phase "
                f"'{demo.competition.phase.label}'."
            )
        )
        if not accounts_to_file_only:
            self.stdout.write(text)
