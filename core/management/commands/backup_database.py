from pathlib import Path
from subprocess import CalledProcessError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import dump


class Command(BaseCommand):
    help = (
        "Back up the whole database with pg_dump (custom format) to the given file: every "
        "table, the nomination attachments (kept in PostgreSQL) and the queued e-mail too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the dump file to write, e.g. hk.dump")

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} exists already; choose a new file name.")
        try:
            dump(settings.DATABASES["default"], file)
        except CalledProcessError as failed:
            raise CommandError(f"pg_dump failed: {failed.stderr.strip()}") from None
        self.stdout.write(f"Database backed up to {file} ({file.stat().st_size} bytes).")
