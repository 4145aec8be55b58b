from django.core.management.base import BaseCommand

from hyvakaytanto.enums import Phase
from hyvakaytanto.services import competition_set_up_demo

DEMO_PHASES = [phase.value for phase in Phase if phase != Phase.PUBLISHED]


class Command(BaseCommand):
    help = "Create (or reset) a demo competition year in the chosen phase, for a living demo site."

    def add_arguments(self, parser):
        parser.add_argument(
            "--phase",
            choices=DEMO_PHASES,
            default=Phase.NOMINATION.value,
            help="The phase the demo year is in now (default: nomination).",
        )

    def handle(self, *args, phase: str, **options):
        competition = competition_set_up_demo(phase=Phase(phase))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo competition {competition.year} is now in phase '{competition.phase.label}'."
            )
        )
