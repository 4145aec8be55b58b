"""The vote's work in the task queue (see core/tasks.py)."""

from asgiref.sync import sync_to_async
from django.conf import settings
from procrastinate.contrib.django import app

from voting import services


@app.periodic(cron=f"* * * * * */{settings.VOTE_RECEIPT_SECONDS}", periodic_id="vote_receipts")
@app.task(name="send_vote_receipts", queueing_lock="send_vote_receipts")
async def send_vote_receipts(timestamp: int) -> None:
    """Every few seconds: the receipts of the votes cast since, in batches, off the votes'
    own requests (a vote writes its row and nothing else)."""
    while await sync_to_async(services.vote_receipts_send)() == services.RECEIPTS_PER_BATCH:
        pass
