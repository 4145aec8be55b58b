"""The audit log: one call records who did what, when (see AuditEvent)."""

from datetime import timedelta

from django.utils import timezone

from core.models import AuditEvent
from core.ratelimit import client_address, pseudonym

Action = AuditEvent.Action
# How long events are kept; the database trigger (migration 0005) refuses to delete younger ones.
RETENTION = timedelta(days=730)


def actor_label(user) -> str:
    """Staff and jurors by user name; a voter only by number (the log keeps no e-mail)."""
    if user is None or not user.is_authenticated:
        return ""
    if user.is_staff:
        return user.get_username()
    return f"äänestäjä #{user.pk}"


def record(action: Action, *, actor=None, request=None, target="", **details) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user; ``target`` names the object
    the action was on (a nomination, a year, a page)."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    authenticated = actor is not None and actor.is_authenticated
    # The client (a keyed hash of its address) is kept for staff and for attempts on staff
    # sign-in, not for voters, whose network data is erased with their accounts.
    keep_client = request is not None and (not authenticated or actor.is_staff)
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.pk if authenticated else None,
        actor=actor_label(actor),
        target=str(target)[:255],
        details=details,
        client=pseudonym(client_address(request)) if keep_client else "",
    )


def prune() -> int:
    """Delete the events older than RETENTION; the number deleted."""
    deleted, _ = AuditEvent.objects.filter(at__lt=timezone.now() - RETENTION).delete()
    return deleted
