"""Receivers for sign-in events: the audit log, session start, and ending the sessions of an
account that is deactivated."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from core import audit
from core.middleware import mark_session_started
from core.models import AccountSession

User = get_user_model()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    mark_session_started(request.session)
    track_session(request, user)
    if user.is_staff:
        # Voters' sign-ins are not logged: the vote's own integrity report covers them, and
        # the log is kept for two years, longer than voters' data.
        audit.record(audit.Action.LOGIN, actor=user, request=request, target=user)


def track_session(request, user) -> None:
    """Record that the request's session belongs to ``user`` (after its key has changed)."""
    # login() saves the session under a new key (cycle_key), unless it flushed another
    # account's session, which leaves no key until the session is saved.
    if request.session.session_key is None:
        request.session.save()
    AccountSession.objects.update_or_create(
        session_id=request.session.session_key, defaults={"user": user}
    )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get("email") or ""
    audit.record(audit.Action.LOGIN_FAILED, request=request, target=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(audit.Action.LOCKED_OUT, request=request, target=username or "")


@receiver(pre_save, sender=User)
def remember_whether_active(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = False
        return
    instance._was_active = (
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first() or False
    )


@receiver(post_save, sender=User)
def end_sessions_of_deactivated(sender, instance, created, **kwargs):
    """An account switched off is signed out everywhere at once, not at its next request."""
    if created or instance.is_active or not getattr(instance, "_was_active", False):
        return
    end_all_sessions(instance)
    audit.record(
        audit.Action.ACCOUNT_DEACTIVATED,
        actor=getattr(instance, "_deactivated_by", None),
        target=instance.get_username(),
    )


def end_all_sessions(user) -> int:
    """Delete every session of the account (its AccountSession rows go with them)."""
    deleted, _ = Session.objects.filter(accountsession__user=user).delete()
    return deleted
