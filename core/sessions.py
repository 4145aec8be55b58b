"""Django's database sessions, read with one plain SELECT and updated with one UPDATE.

Every signed-in request (every vote among them) reads its session row, and the ORM spends
about four times as long building that SELECT as PostgreSQL spends answering it (bench/
README.md). A signed-in visitor's session is also written again once a minute at most (the
time last seen, core/middleware.py), which Django does as BEGIN, UPDATE and COMMIT.
So the read and that update are written out (``core.sql``); creating, deleting and expiring sessions
stay Django's own. The user row is read the same way (core/backends.py).
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from core import sql

# Sessions signed in before the core moved out of the project package name their
# authentication backend by its old module; read them as the new one, so that nobody is signed
# out by the upgrade. (Django accepts only a backend named in AUTHENTICATION_BACKENDS.)
MOVED_BACKENDS = ("hyvakaytanto.backends.", "core.backends.")


class SessionStore(DatabaseSessionStore):
    """``django.contrib.sessions.backends.db`` with a cheaper read.

    The class keeps Django's name, because the name is part of the salt that signs the
    session data: sessions written before and after switching engines stay readable.
    """

    def save(self, must_create=False):
        """Updates an existing session in one statement.

        The session middleware saves after the view, outside any transaction, so the UPDATE
        commits on its own; inside a transaction it is part of it (Django's own adds a
        savepoint). As in Django, a session whose row is gone (signed out in another tab
        meanwhile) raises UpdateError, which the middleware answers with 400; unlike Django,
        a database that cannot be reached is not reported as that, but answers 503 like any
        other page (hyvakaytanto/views.py). A new session is created by Django's code.
        """
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        model = self.model
        data = self.encode(self._get_session())
        changed = sql.session_update(
            model,
            router.db_for_write(model),
            key=self.session_key,
            data=data,
            expires=self.get_expiry_date(),
        )
        if changed != 1:
            raise UpdateError
        return None

    def _get_session_from_db(self):
        model = self.model
        row = sql.session_row(
            model, router.db_for_read(model), key=self.session_key, now=timezone.now()
        )
        if row is None:
            self._session_key = None
            return None
        session_data, expire_date = row
        return model(
            session_key=self.session_key, session_data=session_data, expire_date=expire_date
        )

    def load(self):
        session = super().load()
        old, new = MOVED_BACKENDS
        backend = session.get(BACKEND_SESSION_KEY, "")
        if backend.startswith(old):
            session[BACKEND_SESSION_KEY] = new + backend.removeprefix(old)
        return session
