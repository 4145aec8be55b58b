from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_every_model_change_has_a_migration():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_makes_the_cache_table_a_forgotten_createcachetable_would():
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE hyvakaytanto_cache")
    migration = import_module("hyvakaytanto.migrations.0014_cache_table")

    migration.create_cache_tables(apps, connection.schema_editor())

    assert "hyvakaytanto_cache" in connection.introspection.table_names()
