"""Raw SQL of the core's measured hot paths: the rate limits' counter, the session's read and
update, the signed-in user's row, and the condition of an open vote. Only the table and
column names of our own (or Django's) models are formatted into a statement; every value is
a parameter. Each has a test that it agrees with what the ORM would return."""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection, connections

from core.models import RateLimitCounter

# phase_at(now) == Phase.VOTING as a condition on a row aliased ``competition``, for a
# statement that must decide in the database itself (the vote's one INSERT). The timeline
# constraint keeps the nomination dates before the vote, so they need no test here.
# tests/hyvakaytanto/test_models.py checks that the two agree at every boundary.
VOTING_OPEN_SQL = """
    competition.finalists_published_at <= %(now)s
    AND competition.voting_opens_at <= %(now)s
    AND %(now)s < competition.voting_closes_at
    AND (competition.results_published_at IS NULL
         OR competition.results_published_at > %(now)s)
"""


def rate_limit_count(key: str, window_start) -> int:
    """Count one hit of ``key`` in its window and return the window's count (one upsert)."""
    table = RateLimitCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1)
            ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1
            RETURNING count
            """,  # noqa: S608  # nosec B608
            [key, window_start],
        )
        (count,) = cursor.fetchone()
    return count


def session_update(model, using: str, *, key: str, data: str, expires) -> int:
    """Write a session's data and expiry in one UPDATE; the number of rows it changed."""
    sql = (
        f"UPDATE {model._meta.db_table} SET session_data = %s, expire_date = %s "  # noqa: S608 # nosec B608
        "WHERE session_key = %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [data, expires, key])
        return cursor.rowcount


def session_row(model, using: str, *, key: str, now) -> tuple | None:
    """A session's (data, expiry) while it has not expired, in one SELECT."""
    sql = (
        f"SELECT session_data, expire_date FROM {model._meta.db_table} "  # noqa: S608 # nosec B608
        "WHERE session_key = %s AND expire_date > %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [key, now])
        return cursor.fetchone()


@cache
def _select_user_sql() -> tuple[str, list[str]]:
    # The user model is Django's own: no field needs a database converter on PostgreSQL.
    model = get_user_model()
    fields = model._meta.concrete_fields
    quote = connections["default"].ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} "  # noqa: S608 # nosec B608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    return sql, [field.attname for field in fields]


def user_row(using: str, user_id) -> tuple[list[str], tuple | None]:
    """The user's row by id, with the attribute names of its columns (one SELECT, built once
    per process)."""
    sql, attnames = _select_user_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [user_id])
        return attnames, cursor.fetchone()
