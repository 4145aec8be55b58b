"""The vote's work in the task queue (see hyvakaytanto/tasks.py)."""

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from voting import services


@app.task(name="send_vote_receipt")
async def send_vote_receipt(*, vote_id: int, language: str) -> None:
    """The voter's receipt, written and queued for delivery off the vote's request."""
    await sync_to_async(services.vote_receipt_send)(vote_id=vote_id, language=language)
