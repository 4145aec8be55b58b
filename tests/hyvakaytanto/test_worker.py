"""The worker as it runs in production (``manage.py procrastinate worker``, its own process)
killed in the middle of a batch: a new worker finishes the batch, and nothing goes twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from core import mail
from core.models import OutgoingEmail
from jury.tasks import send_scoring_reminders
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.factories.voting import VoteFactory, open_finalist
from tests.processes import ROOT, database_url
from tests.queue import empty_queue
from tests.smtp import SmtpServer
from voting.models import Vote


def worker_process(smtp: SmtpServer, log: Path, **extra_env: str) -> subprocess.Popen:
    """``manage.py procrastinate worker`` on the test database, delivering to ``smtp``; a
    worker silent for two seconds counts as dead."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hyvakaytanto.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "WORKER_STALLED_SECONDS": "2",
        **extra_env,
    }
    with log.open("w") as output:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_is_replaced_and_every_message_goes_exactly_once(tmp_path):
    recipients = [f"vastaanottaja{number}@example.fi" for number in range(50)]
    for address in recipients:
        mail.email_send(subject="Tiedote", body="Hei.", to=[address])

    smtp = SmtpServer()
    reached_21st, killed = threading.Event(), threading.Event()

    def hold_the_21st(received_so_far: int) -> None:
        # The 21st message is announced: hold it there until its worker has been killed.
        if received_so_far == 20 and not reached_21st.is_set():
            reached_21st.set()
            killed.wait(timeout=60)

    smtp.before_data = hold_the_21st
    smtp.start()
    first = worker_process(smtp, tmp_path / "first.log")
    try:
        assert reached_21st.wait(timeout=90), (tmp_path / "first.log").read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        killed.set()
    delivered_before = len(smtp.received)

    second = worker_process(smtp, tmp_path / "second.log")
    try:
        finished = wait_until(
            lambda: not OutgoingEmail.objects.exclude(state="sent").exists(), timeout=90
        )
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
        smtp.stop()

    assert finished, (tmp_path / "second.log").read_text()
    assert first.returncode == -signal.SIGKILL
    assert delivered_before == 20
    assert Counter(message.recipients[0] for message in smtp.received) == Counter(recipients)
    assert len(smtp.received) == 50


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_deliver_every_vote_receipt(tmp_path):
    """Two workers of their own: one queues the receipts of 400 votes in its batch, the other
    takes the delivery jobs as soon as they exist. Each job must find its e-mail row."""
    finalist = open_finalist()
    votes = VoteFactory.create_batch(400, finalist=finalist)
    voters = Counter(vote.voter.email for vote in votes)

    smtp = SmtpServer()
    smtp.start()
    workers = [
        worker_process(smtp, tmp_path / f"worker-{n}.log", VOTE_RECEIPT_SECONDS="1") for n in (1, 2)
    ]
    try:
        finished = wait_until(
            lambda: (
                len(smtp.received) >= 400
                and not Vote.objects.filter(receipt_queued_at__isnull=True).exists()
            ),
            timeout=120,
        )
        time.sleep(2)  # anything doubled would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            worker.wait(timeout=30)
        smtp.stop()

    logs = "\n".join((tmp_path / f"worker-{n}.log").read_text()[-2000:] for n in (1, 2))
    assert finished, f"{len(smtp.received)} of 400 receipts delivered\n{logs}"
    assert Counter(message.recipients[0] for message in smtp.received) == voters
    assert not OutgoingEmail.objects.exclude(state="sent").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_one_killed_mid_batch_deliver_every_receipt_and_reminder(tmp_path):
    """Two workers of their own deliver the receipts of 400 votes and the jury's reminders;
    one is SIGKILLed in the middle and restarted, as its service manager would. Nothing is
    lost; a message can go twice only if it was with the mail server when its worker died
    (the documented at-least-once window: one message per kill)."""
    finalist = open_finalist()
    votes = VoteFactory.create_batch(400, finalist=finalist)
    scoring = CompetitionFactory(review=True)
    NominationFactory.create_batch(2, competition=scoring)
    jurors = JuryMemberFactory.create_batch(30, competition=scoring)
    expected = Counter(vote.voter.email for vote in votes) + Counter(
        seat.user.email for seat in jurors
    )
    send_scoring_reminders.defer(timestamp=0)

    smtp = SmtpServer()
    smtp.start()
    env = {"VOTE_RECEIPT_SECONDS": "1", "JURY_REMINDER_DAYS": "400"}
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2, 3)]
    workers = [worker_process(smtp, logs[n], **env) for n in (0, 1)]
    try:
        assert wait_until(lambda: len(smtp.received) >= 150, timeout=120), logs[0].read_text()
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        received_at_kill = len(smtp.received)
        time.sleep(2)
        workers.append(worker_process(smtp, logs[2], **env))
        finished = wait_until(
            lambda: (
                len(smtp.received) >= sum(expected.values())
                and not OutgoingEmail.objects.exclude(state="sent").exists()
                and not Vote.objects.filter(receipt_queued_at__isnull=True).exists()
            ),
            timeout=180,
        )
        time.sleep(3)  # anything doubled would arrive now
    finally:
        for worker in workers[1:]:
            worker.send_signal(signal.SIGINT)
        for worker in workers[1:]:
            worker.wait(timeout=30)
        smtp.stop()
        empty_queue()

    told = "\n".join(log.read_text()[-2000:] for log in logs)
    delivered = Counter(message.recipients[0] for message in smtp.received)
    assert finished, f"{len(smtp.received)} of {sum(expected.values())} delivered\n{told}"
    assert received_at_kill < sum(expected.values())  # the kill came in the middle
    assert not expected - delivered  # nothing missing
    assert set(delivered) == set(expected)  # nothing to anyone else
    assert sum((delivered - expected).values()) <= 1  # at most the one in flight
    assert workers[0].returncode == -signal.SIGKILL
