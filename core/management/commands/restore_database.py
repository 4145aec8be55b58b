from pathlib import Path
from subprocess import CalledProcessError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.backup import database_prepare, database_summary, restore


class Command(BaseCommand):
    help = (
        "Restore a dump made by backup_database into a new database on the same server, in "
        "one transaction. The database is created if it does not exist (an existing one must "
        "be empty). The site's current database is never overwritten. Then run the site on "
        "it: DATABASE_NAME=<name> with the embedded server, or DATABASE_URL ending in /<name>."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the dump file to restore")
        parser.add_argument("--into", required=True, help="name of the new database")

    def handle(self, *args, file: Path, into: str, **options):
        database = settings.DATABASES["default"]
        if into == database["NAME"]:
            raise CommandError("Refusing to restore over the database the site is using.")
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        try:
            database_prepare(database, name=into)
            restore(database, file, into=into)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except CalledProcessError as failed:
            raise CommandError(f"pg_restore failed: {failed.stderr.strip()}") from None
        found = database_summary(database, name=into)
        self.stdout.write(
            f"Restored {file} into the database {into}: {found['tables']} tables, "
            f"{found['rows']} rows, {found['files']} stored files."
        )
