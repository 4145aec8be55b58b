"""/health/ for load balancers and monitoring: 200 when all is well, 503 when the database is
down or the queue is not being worked, and never any personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from core import mail
from core.mail import deliver_email
from core.models import OutgoingEmail
from core.queue import cancel_waiting_jobs
from tests.hyvakaytanto.test_resilience import Outage
from tests.queue import empty_queue

# The checks run in threads of their own, on their own connections: what a test sets up must
# be committed for them to see it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def no_jobs_left_behind():
    yield
    empty_queue()


def test_all_well_answers_200_and_names_no_one(client):
    mail.email_send(subject="Kirjautumiskoodi", body="ABCD-1234", to=["salainen@example.fi"])

    response = client.get("/health/", HTTP_ACCEPT="text/plain")

    text = response.content.decode()
    assert response.status_code == 200
    assert "QueueBacklog(): OK" in text
    assert "UnsentMail(): OK" in text
    assert "AttachmentStorage(): OK" in text
    assert "salainen" not in text
    assert "ABCD" not in text
    assert "sessionid" not in response.cookies


def test_a_job_waiting_for_a_worker_too_long_answers_503(client, settings):
    waited = timezone.now() - timedelta(minutes=settings.QUEUE_STALE_MINUTES + 1)
    deliver_email.configure(schedule_at=waited).defer(key="00000000-0000-0000-0000-000000000000")

    response = client.get("/health/", HTTP_ACCEPT="text/plain")
    web = client.get("/health/web/", HTTP_ACCEPT="text/plain")

    assert response.status_code == 503
    assert "a job has waited 6 min for a worker" in response.content.decode()
    assert web.status_code == 200  # the site itself still serves


def test_a_job_just_queued_is_no_alarm(client):
    mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])

    assert client.get("/health/").status_code == 200


def test_mail_undelivered_for_an_hour_answers_503(client, settings):
    queued = mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])
    OutgoingEmail.objects.filter(pk=queued.pk).update(
        queued_at=timezone.now() - timedelta(minutes=settings.MAIL_UNSENT_ALERT_MINUTES + 1)
    )

    response = client.get("/health/", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert "undelivered e-mail has waited 61 min" in response.content.decode()


def test_database_down_answers_503(client):
    outage = Outage()
    try:
        outage.begin()
        response = client.get("/health/", HTTP_ACCEPT="text/plain")
        web = client.get("/health/web/", HTTP_ACCEPT="text/plain")
    finally:
        outage.close()

    assert response.status_code == 503
    assert web.status_code == 503
    assert "Database(alias='default'): OK" not in response.content.decode()


def test_a_queued_message_left_without_a_job_answers_503_until_the_sweep_queues_it(client):
    queued = mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])
    jobs = ProcrastinateJob.objects.filter(task_name="deliver_email")
    cancel_waiting_jobs(jobs.values_list("id", flat=True))  # as a lost job would leave it
    OutgoingEmail.objects.filter(pk=queued.pk).update(
        queued_at=timezone.now() - timedelta(minutes=4)
    )

    before = client.get("/health/", HTTP_ACCEPT="text/plain")
    requeued = mail.email_requeue_orphans()
    again = mail.email_requeue_orphans()  # a second worker's sweep finds nothing to do
    after = client.get("/health/", HTTP_ACCEPT="text/plain")

    assert before.status_code == 503
    assert "1 queued e-mail(s) have no delivery job" in before.content.decode()
    assert (requeued, again) == (1, 0)
    assert list(jobs.values_list("args__key", flat=True)) == [str(queued.key)]
    assert after.status_code == 200
