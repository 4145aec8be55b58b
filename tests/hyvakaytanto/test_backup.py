"""A backup taken with the documented commands restores to the same rows."""

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from archive import services as archive_services
from core import audit
from tests.factories.jury import ScoreFactory, StaffUserFactory
from tests.factories.nominations import AttachmentFactory
from tests.factories.voting import VoteFactory
from tests.processes import restored_copy


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_a_new_database_with_every_row(tmp_path, closed_year):
    # A filled database: the historical archive (from the migrations), a closed year with
    # finalists and votes, published results, scores, an attachment, the audit log.
    archive_services.results_publish(
        competition=closed_year, by=StaffUserFactory(groups=["Viestintä"], is_superuser=True)
    )
    ScoreFactory.create_batch(3)
    AttachmentFactory()
    VoteFactory.create_batch(2)
    audit.record(audit.Action.EXPORT, target="varmuuskopiotesti")
    file_hashes_sql = (
        "SELECT name, encode(sha256(content), 'hex') FROM hyvakaytanto_storedfile ORDER BY name"
    )
    with connection.cursor() as cursor:
        original = row_counts(cursor)
        cursor.execute(file_hashes_sql)
        original_hashes = cursor.fetchall()
    assert len(original_hashes) == 1
    assert original["archive_award"] > 20
    assert original["voting_vote"] == 17

    with restored_copy(tmp_path) as restored_name:
        database = settings.DATABASES["default"]
        with (
            psycopg.connect(
                dbname=restored_name,
                host=database["HOST"],
                port=database["PORT"],
                user=database["USER"],
                password=database.get("PASSWORD") or None,
            ) as restored,
            restored.cursor() as cursor,
        ):
            assert row_counts(cursor) == original
            # Every stored file (the attachments) byte for byte.
            cursor.execute(file_hashes_sql)
            assert cursor.fetchall() == original_hashes
            # The audit log's protection comes back with it.
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s",
                ["hyvakaytanto_auditevent_append_only"],
            )
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_restore_refuses_to_overwrite_the_sites_own_database(tmp_path):
    dump_file = tmp_path / "x.dump"
    dump_file.write_bytes(b"PGDMP")

    with pytest.raises(CommandError, match="Refusing to restore over"):
        call_command("restore_database", str(dump_file), into=settings.DATABASES["default"]["NAME"])


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "old.dump"
    existing.write_text("an earlier backup")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", str(existing))

    assert existing.read_text() == "an earlier backup"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    dump_file = tmp_path / "x.dump"
    dump_file.write_bytes(b"PGDMP")
    database = settings.DATABASES["default"]
    with connection.cursor() as cursor:
        cursor.execute('CREATE DATABASE "restore_not_empty"')
    try:
        with psycopg.connect(
            dbname="restore_not_empty",
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            password=database.get("PASSWORD") or None,
            autocommit=True,
        ) as other:
            other.execute("CREATE TABLE kept (id int)")

        with pytest.raises(CommandError, match="not empty"):
            call_command("restore_database", str(dump_file), into="restore_not_empty")
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS "restore_not_empty" WITH (FORCE)')
