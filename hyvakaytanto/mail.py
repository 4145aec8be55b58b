"""Every outgoing e-mail goes through the task queue in PostgreSQL.

``QueuedEmailBackend`` is the site's ``EMAIL_BACKEND``, so the project's own mail, allauth's
sign-in codes and Django's all arrive here. It writes each message as an ``OutgoingEmail``
row and defers a ``deliver_email`` job on the same database connection: inside the caller's
transaction, a rolled-back change sends nothing and a committed one is never lost. The
request never talks to the mail server.

The worker runs ``email_deliver``, which hands the message to ``EMAIL_DELIVERY_BACKEND``
(SMTP in production, the console in development). A failed send is retried with a growing
delay, at most an hour apart, for EMAIL_RETRY_HOURS; then the message is marked failed and
staff can send it again from the admin (``email_resend``).
"""

import base64
import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, QuerySet
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from procrastinate import BaseRetryStrategy, RetryDecision

from hyvakaytanto.models import OutgoingEmail

logger = logging.getLogger(__name__)

# Queue priorities: a voter waits for a sign-in code; a mass mailing can wait a little.
PRIORITY_NORMAL = 0
PRIORITY_BULK = -10
MAX_RETRY_DELAY_SECONDS = 3600


def one_line(text: str) -> str:
    """A header value on one line: line breaks and runs of white space become one space."""
    return " ".join(str(text).split())


def render_email(template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and body of ``<template>_subject.txt`` and ``<template>.txt``.

    E-mail is plain text: both are rendered without HTML escaping, so a practice called
    "Lapset & perheet" arrives as written, not as "Lapset &amp; perheet".
    """
    subject = _render_plain(f"{template}_subject.txt", context)
    body = _render_plain(f"{template}.txt", context)
    return one_line(subject), body


def _render_plain(template_name: str, context: dict) -> str:
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_send(
    *, subject: str, body: str, to: Sequence[str], priority: int = PRIORITY_NORMAL
) -> OutgoingEmail:
    """Queue one plain-text e-mail from DEFAULT_FROM_EMAIL; see ``QueuedEmailBackend``."""
    message = EmailMessage(subject=subject, body=body, to=list(to))
    return email_queue(message, priority=priority)


def email_queue(message: EmailMessage, *, priority: int = PRIORITY_NORMAL) -> OutgoingEmail:
    """Write ``message`` to the queue on the current connection (and transaction).

    Side effects: one OutgoingEmail row and one deliver_email job.
    """
    from hyvakaytanto.tasks import deliver_email

    message.subject = one_line(message.subject)
    email = OutgoingEmail.objects.create(
        subject=message.subject[:255],
        recipients=", ".join(message.recipients())[:1000],
        message=_serialise(message),
    )
    deliver_email.configure(priority=priority).defer(key=str(email.key))
    return email


class QueuedEmailBackend(BaseEmailBackend):
    """Django's e-mail backend interface, writing to the queue instead of a mail server.

    ``get_connection(priority=PRIORITY_BULK)`` gives a connection whose messages wait behind
    the others (used for mass mailings).
    """

    def __init__(self, *, priority: int = PRIORITY_NORMAL, **kwargs):
        super().__init__(**kwargs)
        self.priority = priority

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        count = 0
        for message in email_messages:
            if message.recipients():
                email_queue(message, priority=self.priority)
                count += 1
        return count


class DeliveryPostponed(Exception):
    """The mail server did not take the message; the queue tries again later."""


class DeliveryRetry(BaseRetryStrategy):
    """A growing delay between attempts: EMAIL_RETRY_FIRST_SECONDS, doubling, at most an hour.

    How long to keep trying is decided by ``email_deliver`` (EMAIL_RETRY_HOURS from the
    moment the message was queued), which stops raising once that time has passed.
    """

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        return RetryDecision(retry_in={"seconds": retry_delay(job.attempts)})


def retry_delay(attempts: int) -> int:
    first = settings.EMAIL_RETRY_FIRST_SECONDS
    return min(first * 2 ** min(attempts, 20), MAX_RETRY_DELAY_SECONDS)


def email_deliver(*, key: str) -> bool:
    """Hand the queued message ``key`` to the mail server, unless it has gone already.

    The row is locked while the message is sent and marked sent in the same transaction, so
    two workers (a stalled job recovered while the first still runs) cannot both send it.
    Returns True when this call sent it.

    Side effects: the row becomes SENT and loses its message; on failure its attempt count and
    error are recorded, and DeliveryPostponed is raised until EMAIL_RETRY_HOURS have passed
    since it was queued, after which the row is FAILED for staff to send again.
    """
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.select_for_update().filter(key=key).first()
            if email is None or email.state != OutgoingEmail.State.QUEUED:
                return False
            connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
            connection.send_messages([_deserialise(email.message, key=email.key)])
            email.state = OutgoingEmail.State.SENT
            email.sent_at = timezone.now()
            email.attempts = F("attempts") + 1
            email.message = None
            email.last_error = ""
            email.save(update_fields=["state", "sent_at", "attempts", "message", "last_error"])
            return True
    except Exception as error:
        _record_failure(key, error)
        raise


def _record_failure(key: str, error: Exception) -> None:
    email = OutgoingEmail.objects.filter(key=key).first()
    if email is None:
        return
    email.attempts += 1
    # The class and message of the error, never the message's content.
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    window = timedelta(hours=settings.EMAIL_RETRY_HOURS)
    gave_up = timezone.now() - email.queued_at >= window
    if gave_up:
        email.state = OutgoingEmail.State.FAILED
    email.save(update_fields=["attempts", "last_error", "state"])
    logger.warning(
        "E-mail %s not delivered (attempt %d%s): %s",
        key,
        email.attempts,
        ", giving up" if gave_up else "",
        email.last_error,
    )
    if gave_up:
        # Raised to the task, which ends the job: the row now says FAILED.
        raise GaveUp(email.last_error) from error


class GaveUp(Exception):
    """EMAIL_RETRY_HOURS passed without delivery: the message waits for staff to resend it."""


@transaction.atomic
def email_resend(*, emails: QuerySet[OutgoingEmail]) -> int:
    """Queue failed messages again, for another EMAIL_RETRY_HOURS of attempts.

    Side effects: each FAILED row becomes QUEUED with a new queueing time and a new job.
    Returns how many were queued; rows in any other state are left alone.
    """
    from hyvakaytanto.tasks import deliver_email

    resent = 0
    for email in emails.select_for_update().filter(state=OutgoingEmail.State.FAILED):
        email.state = OutgoingEmail.State.QUEUED
        email.queued_at = timezone.now()
        email.save(update_fields=["state", "queued_at"])
        deliver_email.defer(key=str(email.key))
        resent += 1
    return resent


def _serialise(message: EmailMessage) -> dict:
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # MIMEBase parts are not used by the site
        data = content.encode() if isinstance(content, str) else content
        attachments.append([filename, base64.b64encode(data).decode(), mimetype])
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def _deserialise(data: dict, *, key) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        # The same Message-ID on every attempt lets a receiving server recognise a repeat.
        headers={**data["headers"], "Message-ID": f"<{key}@{domain}>"},
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def email_prune(*, now) -> int:
    """Delete the rows of messages delivered SENT_EMAIL_RETENTION_DAYS ago and of failed ones
    left FAILED_EMAIL_RETENTION_DAYS; the number deleted (``apply_retention``)."""
    sent = OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.SENT,
        sent_at__lte=now - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS),
    )
    failed = OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.FAILED,
        queued_at__lte=now - timedelta(days=settings.FAILED_EMAIL_RETENTION_DAYS),
    )
    return sent.delete()[0] + failed.delete()[0]
