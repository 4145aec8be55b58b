"""Django's database sessions, read with one plain SELECT.

Every signed-in request (every vote among them) reads its session row, and the ORM spends
about four times as long building that SELECT as PostgreSQL spends answering it (README,
Benchmarks). So the read is written out here; saving, deleting and expiring sessions stay
Django's own. The user row is read the same way (hyvakaytanto/backends.py).
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """``django.contrib.sessions.backends.db`` with a cheaper read.

    The class keeps Django's name, because the name is part of the salt that signs the
    session data: sessions written before and after switching engines stay readable.
    """

    def _get_session_from_db(self):
        model = self.model
        # Only Django's own table name is formatted into the SQL; the key is a parameter.
        sql = (
            f"SELECT session_data, expire_date FROM {model._meta.db_table} "  # noqa: S608 # nosec B608
            "WHERE session_key = %s AND expire_date > %s"
        )
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session_data, expire_date = row
        return model(
            session_key=self.session_key, session_data=session_data, expire_date=expire_date
        )
