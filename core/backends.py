"""Authentication backends that load the signed-in user with one plain SELECT.

Django asks the backend for the user on every signed-in request. ``ModelBackend`` builds that
query through the ORM, which costs about four times what PostgreSQL spends answering it
(bench/README.md); here the SELECT is built once per process. Signing in, permissions
and everything else are the parent backends' own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router

from core import sql


def user_by_id(user_id):
    """The user as ``User.objects.get(pk=user_id)`` returns it, or None (one query)."""
    model = get_user_model()
    database = router.db_for_read(model)
    attnames, row = sql.user_row(database, user_id)
    return None if row is None else model.from_db(database, attnames, row)


# The demo accounts (``manage.py demo_data``) have published passwords: development only.
DEMO_USERNAME_PREFIX = "demo-"


def is_demo_account(user) -> bool:
    return user.username.startswith(DEMO_USERNAME_PREFIX)


class UserRowMixin:
    def get_user(self, user_id):
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        """With DEBUG off a demo account cannot sign in, even if one were left behind."""
        if is_demo_account(user) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


class PasswordBackend(UserRowMixin, ModelBackend):
    """Staff and jurors: username and password (then the second factor) in the admin."""


class EmailCodeBackend(UserRowMixin, AuthenticationBackend):
    """Voters: django-allauth's sign-in by a code sent to their e-mail address."""
