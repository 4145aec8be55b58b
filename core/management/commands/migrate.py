"""``migrate`` that every node of a deployment may run at once.

Two processes migrating one database at the same moment both try to create the same tables
and content types, and one fails. Here each first takes a PostgreSQL advisory lock: one
migrates, the others wait for it and then find nothing left to do.

Afterwards it records the fingerprint of this node's SECRET_KEY, which ``check --deploy``
compares on every node (``core.deployment``).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from core.deployment import key_fingerprint_record
from core.models import KeyFingerprint

# This site's own lock number (any constant that no other code on the server uses).
MIGRATE_LOCK = 4_402_711


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Several processes may run it at once: they take turns."

    def handle(self, *args, **options):
        if settings.DATABASE_POOLER == "transaction" and options["database"] == "default":
            # A session's advisory lock means nothing through a transaction pooler.
            raise CommandError(
                "DATABASE_POOLER=transaction: run migrate on PostgreSQL directly, with "
                "DATABASE_URL=$WORKER_DATABASE_URL DATABASE_POOLER=none (docs/OPERATIONS.md)."
            )
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        try:
            super().handle(*args, **options)
            if not options["plan"] and not options["check_unapplied"]:
                self._record_key(connection)
        finally:
            # A connection closed on the way has released its lock already.
            if connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])

    def _record_key(self, connection) -> None:
        if connection.alias != "default" or (
            KeyFingerprint._meta.db_table not in connection.introspection.table_names()
        ):
            return  # migrated to a point before the table, or another database
        outcome = key_fingerprint_record()
        if outcome == "rotated":
            self.stdout.write("The new SECRET_KEY is recorded as the deployment's key.")
        elif outcome == "different":
            self.stderr.write(
                self.style.WARNING(
                    "This node's SECRET_KEY is not the one the deployment uses; "
                    "`manage.py check --deploy` says what to do."
                )
            )
