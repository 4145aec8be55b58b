import os
import secrets
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.processes import ROOT, database_url

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
    migration = import_module("core.migrations.0014_cache_table")

    migration.create_cache_tables(apps, connection.schema_editor())

    assert "hyvakaytanto_cache" in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_nodes_migrating_an_empty_database_at_once_both_succeed():
    """Every node of a deployment runs ``migrate``: at the same moment, they take turns."""
    name = f"migrate_race_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hyvakaytanto.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(name),
        "SECRET_KEY": "the-deployments-key-" + "k" * 40,
    }
    try:
        nodes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _node in range(2)
        ]
        outputs = [node.communicate(timeout=300)[0] for node in nodes]

        def manage(*command, **changed):
            return subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env={**env, **changed},
                capture_output=True,
                text=True,
                timeout=120,
            )

        # Both nodes ran with the deployment's key; a third node with another key is found.
        same = manage("check", "--deploy")
        other = manage("check", "--deploy", SECRET_KEY="another-nodes-key-" + "x" * 40)
        # A key changed on purpose, the old one kept as a fallback, is recorded by migrate;
        # then a node left on the old key is the one reported.
        rotated = manage(
            "migrate",
            "--noinput",
            SECRET_KEY="the-new-key-" + "y" * 40,
            SECRET_KEY_FALLBACKS=env["SECRET_KEY"],
        )
        left_behind = manage("check", "--deploy")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert [node.returncode for node in nodes] == [0, 0], "\n".join(o[-1500:] for o in outputs)
    assert any("No migrations to apply" in output for output in outputs)
    assert "hyvakaytanto.E002" not in same.stderr + same.stdout
    assert other.returncode == 1
    assert "hyvakaytanto.E002" in other.stderr
    assert "SECRET_KEY is not the one the deployment uses" in other.stderr
    assert "The new SECRET_KEY is recorded" in rotated.stdout
    assert left_behind.returncode == 1
    assert "hyvakaytanto.E002" in left_behind.stderr
