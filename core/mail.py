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

A job never ends as a success without its message: one that finds no row (it could only
have been deferred outside the row's transaction) retries for EMAIL_MISSING_RETRY_SECONDS,
then fails and logs an error. Rows deleted on purpose (``email_forget``) take their waiting
jobs with them. And ``email_requeue_orphans`` (every minute, in the worker) gives a new job
to any queued row left without one for EMAIL_ORPHAN_MINUTES, which ``/health/`` reports.
"""

import base64
import logging
import smtplib
from collections.abc import Iterable, Sequence
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends import console
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from core.models import OutgoingEmail
from core.queue import cancel_waiting_jobs, defer_with_transaction

logger = logging.getLogger(__name__)

# Queue priorities: a voter waits for a sign-in code; a mass mailing can wait a little.
PRIORITY_NORMAL = 0
PRIORITY_BULK = -10
MAX_RETRY_DELAY_SECONDS = 3600
# A delivery job that finds no message asks again this often, in case the row's
# transaction has not committed yet.
MISSING_RETRY_DELAY_SECONDS = 5
DELIVERY_TASK = "deliver_email"


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
    rendered = get_template(template_name).template.render(Context(context, autoescape=False))
    # The engine marks what it renders as safe, but this was rendered *without* escaping:
    # typed text is in it as typed. A plain str is escaped wherever a page shows it (the
    # previews of mass mailings), so a practice name can never become a link in the admin.
    return str.__str__(rendered)


def email_send(
    *, subject: str, body: str, to: Sequence[str], priority: int = PRIORITY_NORMAL
) -> OutgoingEmail:
    """Queue one plain-text e-mail from DEFAULT_FROM_EMAIL; see ``QueuedEmailBackend``."""
    message = EmailMessage(subject=subject, body=body, to=list(to))
    return email_queue(message, priority=priority)


@transaction.atomic
def email_queue(message: EmailMessage, *, priority: int = PRIORITY_NORMAL) -> OutgoingEmail:
    """Write ``message`` to the queue on the current connection, inside the caller's
    transaction (or a transaction of its own: the row and its job exist together or not at
    all).

    Side effects: one OutgoingEmail row and one deliver_email job.
    """
    message.subject = one_line(message.subject)
    email = OutgoingEmail.objects.create(
        subject=message.subject[:255],
        recipients=", ".join(message.recipients())[:1000],
        message=_serialise(message),
    )
    defer_with_transaction(deliver_email, priority=priority, key=str(email.key))
    return email


class QueuedEmailBackend(BaseEmailBackend):
    """Django's e-mail backend interface, writing to the queue instead of a mail server: the
    path of allauth's and Django's own mail (the site's own calls ``email_send``)."""

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        count = 0
        for message in email_messages:
            if message.recipients():
                email_queue(message)
                count += 1
        return count


class ReadableConsoleBackend(console.EmailBackend):
    """Development's delivery: each e-mail printed as a person reads it (sender, recipients,
    subject and body in plain text), not as encoded MIME (``=?utf-8?b?…?=``)."""

    def write_message(self, message):
        self.stream.write(
            "\n".join(
                [
                    f"From: {message.from_email}",
                    f"To: {', '.join(message.to)}",
                    f"Subject: {message.subject}",
                    "",
                    message.body,
                    "-" * 79,
                    "",
                ]
            )
        )


class DeliveryPostponed(Exception):
    """The mail server did not take the message; the queue tries again later."""


class DeliveryRetry(BaseRetryStrategy):
    """A growing delay between attempts: EMAIL_RETRY_FIRST_SECONDS, doubling, at most an hour.

    How long to keep trying is decided by ``email_deliver`` (EMAIL_RETRY_HOURS from the
    moment the message was queued), which stops raising once that time has passed.
    """

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if isinstance(exception, MessageMissing):
            waited = job.attempts * MISSING_RETRY_DELAY_SECONDS
            if waited < settings.EMAIL_MISSING_RETRY_SECONDS:
                return RetryDecision(retry_in={"seconds": MISSING_RETRY_DELAY_SECONDS})
            logger.error(
                "Delivery job for e-mail %s found no message in %d attempt(s); the job fails "
                "(a job deferred outside its row's transaction?)",
                exception.key,
                job.attempts + 1,
            )
            return None
        return RetryDecision(retry_in={"seconds": retry_delay(job.attempts)})


class MessageMissing(Exception):
    """A delivery job found no row for its message: it must not end as a success."""

    def __init__(self, key: str):
        super().__init__(f"no queued e-mail {key}")
        self.key = key


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
    since it was queued, after which the row is FAILED for staff to send again. No row at all
    raises MessageMissing, which the job retries and then fails on.
    """
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.select_for_update().filter(key=key).first()
            if email is None:
                raise MessageMissing(key)
            if email.state != OutgoingEmail.State.QUEUED:
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
    except MessageMissing:
        raise
    except Exception as error:
        _record_failure(key, error)
        raise


def _is_permanent(error: Exception) -> bool:
    """The mail server refused the message for good (a 5xx answer, or every recipient
    refused): trying again would only be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(key: str, error: Exception) -> None:
    email = OutgoingEmail.objects.filter(key=key).first()
    if email is None:
        return
    email.attempts += 1
    # The row (staff only) keeps the server's answer; the log, read more widely, keeps only
    # the kind of error and its code, as the answer may repeat the address.
    code = getattr(error, "smtp_code", None)
    kind = f"{type(error).__name__}{f' {code}' if code else ''}"
    email.last_error = f"{kind}: {error}"[:500]
    window = timedelta(hours=settings.EMAIL_RETRY_HOURS)
    gave_up = _is_permanent(error) or timezone.now() - email.queued_at >= window
    if gave_up:
        email.state = OutgoingEmail.State.FAILED
    email.save(update_fields=["attempts", "last_error", "state"])
    if gave_up:
        # An error, so that error reporting tells someone: staff must act on it.
        logger.error(
            "E-mail %s not delivered after %d attempt(s); listed as failed: %s",
            key,
            email.attempts,
            kind,
        )
    else:
        logger.warning(
            "E-mail %s not delivered (attempt %d), will retry: %s",
            key,
            email.attempts,
            kind,
        )
    if gave_up:
        # Raised to the task, which ends the job: the row now says FAILED.
        raise GaveUp(email.last_error) from error


class GaveUp(Exception):
    """EMAIL_RETRY_HOURS passed without delivery, or the server refused the message for good:
    it waits for staff to resend it."""


@transaction.atomic
def email_resend(*, emails: QuerySet[OutgoingEmail]) -> int:
    """Queue failed messages again, for another EMAIL_RETRY_HOURS of attempts.

    Side effects: each FAILED row becomes QUEUED with a new queueing time and a new job.
    Returns how many were queued; rows in any other state are left alone.
    """
    resent = 0
    for email in emails.select_for_update().filter(state=OutgoingEmail.State.FAILED):
        email.state = OutgoingEmail.State.QUEUED
        email.queued_at = timezone.now()
        email.save(update_fields=["state", "queued_at"])
        defer_with_transaction(deliver_email, key=str(email.key))
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


@transaction.atomic
def email_forget(*, address: str) -> int:
    """Delete every outgoing message to ``address`` (an erasure request, a deleted account):
    what is still waiting is not sent, and no row keeps the address. The number deleted.

    Side effects: the waiting delivery jobs of those messages are deleted with them, so that
    none of them looks for its message and fails."""
    emails = OutgoingEmail.objects.filter(recipients__iexact=address.strip())
    keys = [str(key) for key in emails.values_list("key", flat=True)]
    if keys:
        waiting = _delivery_jobs(status="todo").filter(args__key__in=keys)
        cancel_waiting_jobs(waiting.values_list("id", flat=True))
    return emails.delete()[0]


def _delivery_jobs(*, status: str | None = None) -> QuerySet[ProcrastinateJob]:
    jobs = ProcrastinateJob.objects.filter(task_name=DELIVERY_TASK)
    return jobs.filter(status=status) if status else jobs


def orphaned_emails(*, now) -> QuerySet[OutgoingEmail]:
    """Queued messages with no delivery job waiting or running, queued more than
    EMAIL_ORPHAN_MINUTES ago (so that a row whose job is being written is not counted)."""
    waiting = (
        _delivery_jobs()
        .filter(status__in=["todo", "doing"])
        .annotate(email_key=KeyTextTransform("key", "args"))
        .filter(email_key=Cast(OuterRef("key"), output_field=TextField()))
    )
    return OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.QUEUED,
        queued_at__lte=now - timedelta(minutes=settings.EMAIL_ORPHAN_MINUTES),
    ).exclude(Exists(waiting))


def email_requeue_orphans(*, now=None) -> int:
    """Give a new delivery job to each queued message left without one (``orphaned_emails``);
    how many. Each row is locked while its job is written, so two workers sweeping at once
    queue it once."""
    now = now or timezone.now()
    requeued = 0
    for key in list(orphaned_emails(now=now).values_list("key", flat=True)):
        with transaction.atomic():
            row = (
                orphaned_emails(now=now)
                .select_for_update(skip_locked=True)
                .filter(key=key)
                .values_list("key", flat=True)
                .first()
            )
            if row is None:
                continue
            defer_with_transaction(deliver_email, key=str(row))
            requeued += 1
    if requeued:
        logger.error("%d queued e-mail(s) had no delivery job; queued again", requeued)
    return requeued


@app.task(name=DELIVERY_TASK, retry=DeliveryRetry())
async def deliver_email(*, key: str) -> None:
    """The queue's job: deliver one queued e-mail (``email_deliver``); retried until it goes
    or the retry window closes, after which it is listed as failed in the admin. It lives
    here, beside what it runs, so that the mail module and the queue's tasks do not import
    each other."""
    try:
        await sync_to_async(email_deliver)(key=key)
    except GaveUp:
        return
    # MessageMissing goes on to the retry strategy: retried a while, then failed.
