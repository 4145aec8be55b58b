"""The core's scheduled work for the task queue (procrastinate, in PostgreSQL): e-mail that
lost its job, and jobs of a worker that stopped. Delivery itself is ``mail.deliver_email``.

Run the worker with ``manage.py procrastinate worker`` (``python3 dev.py start`` runs one).
The tasks are coroutines that do their Django work through ``sync_to_async``, which runs it
in Django's thread-sensitive context: one database connection per worker, cleaned up by
procrastinate's Django middleware around each job.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from procrastinate.contrib.django import app

from core import mail


@app.periodic(cron="* * * * *", periodic_id="requeue_orphaned_emails")
@app.task(name="requeue_orphaned_emails", queueing_lock="requeue_orphaned_emails")
async def requeue_orphaned_emails(timestamp: int) -> None:
    """Every minute: a new delivery job for each queued e-mail that has none
    (``mail.email_requeue_orphans``)."""
    await sync_to_async(mail.email_requeue_orphans)()


@app.periodic(cron=f"* * * * * */{settings.WORKER_STALLED_SECONDS}", periodic_id="recover")
@app.task(name="recover_stalled_jobs", queueing_lock="recover_stalled_jobs", pass_context=True)
async def recover_stalled_jobs(context, timestamp: int) -> None:
    """Put back in the queue the jobs of a worker that stopped without finishing them (killed,
    or its machine lost): its heartbeat is older than WORKER_STALLED_SECONDS."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.WORKER_STALLED_SECONDS
    ):
        await manager.retry_job(job)
