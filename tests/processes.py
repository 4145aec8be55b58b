"""Running the site's own commands in processes of their own, on the test database."""

import secrets
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url(name: str | None = None) -> str:
    """DATABASE_URL for the test server's database ``name`` (default: the test database)."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{quote(database['USER'])}:{quote(database.get('PASSWORD') or '')}"
        f"@{quote(database['HOST'], safe='')}:{database['PORT']}/"
        f"{quote(name or database['NAME'])}"
    )


@contextmanager
def restored_copy(tmp_path: Path):
    """Back up the test database with the documented command, restore the dump into a new
    database with the other (which creates it), and yield that database's name; dropped
    afterwards."""
    dump_file = tmp_path / "hyvakaytanto.dump"
    call_command("backup_database", str(dump_file), stdout=StringIO())
    name = f"restore_check_{secrets.token_hex(4)}"  # restore_database creates it
    try:
        call_command("restore_database", str(dump_file), into=name, stdout=StringIO())
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
