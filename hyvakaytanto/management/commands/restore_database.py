from pathlib import Path
from subprocess import CalledProcessError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hyvakaytanto.backup import restore


class Command(BaseCommand):
    help = (
        "Restore a dump made by backup_database into an existing, empty database on the same "
        "server (create it first, e.g. createdb or CREATE DATABASE), in one transaction. Then "
        "point DATABASE_URL at it. The site's current database is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the dump file to restore")
        parser.add_argument(
            "--into", required=True, help="name of the empty database to restore into"
        )

    def handle(self, *args, file: Path, into: str, **options):
        database = settings.DATABASES["default"]
        if into == database["NAME"]:
            raise CommandError("Refusing to restore over the database the site is using.")
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        try:
            restore(database, file, into=into)
        except CalledProcessError as failed:
            raise CommandError(f"pg_restore failed: {failed.stderr.strip()}") from None
        self.stdout.write(f"Restored {file} into the database {into}.")
