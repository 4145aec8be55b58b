"""Session lifetime, the audit of refused requests, and refusing NUL characters."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import audit

SESSION_STARTED = "session_started_at"
SESSION_SEEN = "session_seen_at"
# The last-seen time is written at most this often, so that browsing does not save the
# session on every request.
_SEEN_RESOLUTION = 60


def mark_session_started(session) -> None:
    """Called at every sign-in: the absolute lifetime counts from here."""
    session[SESSION_STARTED] = session[SESSION_SEEN] = int(time.time())


class SessionLifetimeMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT without a request, and after
    SESSION_ABSOLUTE_LIFETIME from signing in whatever they do. The times are kept in the
    session itself, checked on the server at every request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        self.lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, time.time()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if started is None or seen is None:
            mark_session_started(session)
        elif now - seen > self.idle or now - started > self.lifetime:
            user = request.user
            logout(request)
            if user.is_staff:
                audit.record(audit.Action.SESSION_EXPIRED, actor=user, request=request)
            messages.info(request, _("Istuntosi vanheni. Kirjaudu uudelleen."))
        elif now - seen >= _SEEN_RESOLUTION:
            session[SESSION_SEEN] = int(now)


class RefusalAuditMiddleware:
    """Records every request refused for lack of permission (PermissionDenied, a 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            audit.record(
                audit.Action.REFUSED, request=request, target=request.path, method=request.method
            )
        return None


class RefuseNulMiddleware:
    """A NUL character in a query string or a form answers 400 Bad Request, in Finnish.

    PostgreSQL cannot store or compare text with NUL in it (psycopg raises DataError), so a
    view that passed one on, like a search or an admin action, would answer 500. No keyboard
    types one: it comes from a crafted request, so refusing the whole request loses nothing a
    person wrote. (Other control characters in one-line fields get a form error instead:
    ``core.validators.single_line``.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            # Rendered with the request, so that the page's own forms (the language switcher)
            # carry their CSRF token.
            return render(request, "400.html", {"control_characters": True}, status=400)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
