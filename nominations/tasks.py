"""The nominations' scheduled work in the task queue (see core/tasks.py)."""

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from nominations import services


@app.periodic(cron="7 * * * *", periodic_id="draft_reminders")
@app.task(name="send_draft_reminders", queueing_lock="send_draft_reminders")
async def send_draft_reminders(timestamp: int) -> None:
    """Every hour: remind the writers of unsent drafts whose deadline is near (once each)."""
    await sync_to_async(services.draft_reminders_send_due)()
