"""The vote's work in the task queue (see core/tasks.py)."""

from asgiref.sync import sync_to_async
from django.conf import settings
from procrastinate.contrib.django import app

from voting import review, services


@app.periodic(cron=f"* * * * * */{settings.VOTE_RECEIPT_SECONDS}", periodic_id="vote_receipts")
@app.task(name="send_vote_receipts", queueing_lock="send_vote_receipts")
async def send_vote_receipts(timestamp: int) -> None:
    """Every few seconds: the receipts of the votes cast since, in batches, off the votes'
    own requests (a vote writes its row and nothing else)."""
    while await sync_to_async(services.vote_receipts_send)() == services.RECEIPTS_PER_BATCH:
        pass


@app.periodic(cron=f"*/{settings.VOTE_FLAG_MINUTES} * * * *", periodic_id="vote_flags")
@app.task(name="flag_vote_clusters", queueing_lock="flag_vote_clusters")
async def flag_vote_clusters(timestamp: int) -> None:
    """Every few minutes while a year's vote is open or awaits its results: the flags run on
    its votes and new clusters wait for staff's decision (voting/review.py)."""
    for competition in await sync_to_async(review.reviewable_years)():
        await sync_to_async(review.clusters_refresh)(competition)


@app.periodic(cron="* * * * *", periodic_id="vote_confirmations")
@app.task(name="expire_vote_confirmations", queueing_lock="expire_vote_confirmations")
async def expire_vote_confirmations(timestamp: int) -> None:
    """Every minute: votes whose confirmation date has passed unconfirmed are removed."""
    await sync_to_async(review.confirmations_expire)()
