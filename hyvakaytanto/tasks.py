"""The site-wide schedule: routines that span every app (procrastinate periodic tasks)."""

from asgiref.sync import sync_to_async
from django.core.management import call_command
from procrastinate.contrib.django import app


@app.periodic(cron="15 3 * * *", periodic_id="apply_retention")
@app.task(name="apply_retention", queueing_lock="apply_retention")
async def apply_retention(timestamp: int) -> None:
    """Every night at 03.15 UTC: erase personal data past its retention."""
    await sync_to_async(call_command)("apply_retention")
