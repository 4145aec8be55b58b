"""The jury's scheduled work in the task queue (see core/tasks.py)."""

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from jury import services


@app.periodic(cron="0 6 * * *", periodic_id="jury_reminders")
@app.task(name="send_scoring_reminders", queueing_lock="send_scoring_reminders")
async def send_scoring_reminders(timestamp: int) -> None:
    """Every morning (06.00 UTC): the reminders due to jurors today."""
    await sync_to_async(services.jury_reminders_send_due)()
