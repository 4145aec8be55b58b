"""``/health/`` for load balancers and monitoring (django-health-check).

Each check is one cheap query and reports counts and ages only, never personal data:

- the database answers;
- the task queue is being worked: no job due to run has waited QUEUE_STALE_MINUTES;
- e-mail goes out: no message has waited for delivery MAIL_UNSENT_ALERT_MINUTES, and none
  has been without a delivery job for EMAIL_ORPHAN_MINUTES;
- the attachments' storage answers.

Any failure answers 503. ``/health/web/`` checks only the database and the storage, for a
load balancer that should keep a server in rotation while the worker or the mail server is
down (the site still takes nominations and votes then; mail waits in the queue).
"""

import dataclasses
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from core import mail
from core.models import OutgoingEmail


class _OwnConnection:
    """Checks run in a thread of their own: give its database connection back afterwards,
    or every health request would keep one out of the pool."""

    def run(self):
        try:
            self.check()
        finally:
            connection.close()


@dataclasses.dataclass
class QueueBacklog(_OwnConnection, HealthCheck):
    def check(self) -> None:
        now = timezone.now()
        deferred_at = ProcrastinateEvent.objects.filter(job=OuterRef("pk"), type="deferred")
        due_since = (
            ProcrastinateJob.objects.filter(status="todo")
            .filter(Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now))
            .annotate(due_since=Coalesce("scheduled_at", Subquery(deferred_at.values("at")[:1])))
            .order_by("due_since")
            .values_list("due_since", flat=True)
            .first()
        )
        if due_since and now - due_since > timedelta(minutes=settings.QUEUE_STALE_MINUTES):
            minutes = int((now - due_since).total_seconds() // 60)
            raise ServiceUnavailable(f"a job has waited {minutes} min for a worker")


@dataclasses.dataclass
class UnsentMail(_OwnConnection, HealthCheck):
    def check(self) -> None:
        now = timezone.now()
        oldest = (
            OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED)
            .order_by("queued_at")
            .values_list("queued_at", flat=True)
            .first()
        )
        if oldest and now - oldest > timedelta(minutes=settings.MAIL_UNSENT_ALERT_MINUTES):
            minutes = int((now - oldest).total_seconds() // 60)
            raise ServiceUnavailable(f"the oldest undelivered e-mail has waited {minutes} min")
        orphans = mail.orphaned_emails(now=now).count()
        if orphans:
            raise ServiceUnavailable(f"{orphans} queued e-mail(s) have no delivery job")


@dataclasses.dataclass
class AttachmentStorage(_OwnConnection, HealthCheck):
    def check(self) -> None:
        try:
            storages["private"].exists("health-check")
        except Exception as error:
            raise ServiceUnavailable(f"storage unavailable ({type(error).__name__})") from error


class SiteHealthView(HealthCheckView):
    """Answers 503 Service Unavailable, not 500, when a check fails: the site is up enough to
    say so, and a load balancer or monitor reads it as "take out of rotation"."""

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response


health = SiteHealthView.as_view(checks=[Database, QueueBacklog, UnsentMail, AttachmentStorage])
web_health = SiteHealthView.as_view(checks=[Database, AttachmentStorage])
