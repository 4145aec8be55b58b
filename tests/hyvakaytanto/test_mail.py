"""E-mail goes through the task queue: nothing a user does waits on, or fails with, the mail
server, and every committed message is delivered exactly once."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import ConnectorException

from core import mail
from core.models import OutgoingEmail
from jury.enums import Recognition
from nominations import services as nomination_services
from nominations.models import Nomination
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory
from tests.factories.voting import VoteFactory, VoterFactory
from tests.nominations.conftest import valid_form_data
from tests.queue import empty_queue, run_worker
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db

# A retry is due at a later moment, and PostgreSQL's now() stands still inside a transaction:
# tests that wait for a retry commit as they go (and put the seeded rows back afterwards).
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def work_until(done, timeout: float = 30) -> None:
    """Run the queue's worker until ``done()`` holds, as retries fall due."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the queue did not deliver in time"
        time.sleep(0.3)
        run_worker()


@pytest.fixture
def smtp(settings):
    """The mail server the worker delivers to; down until the test starts it. Failed sends
    are retried after a second instead of thirty."""
    server = SmtpServer()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.EMAIL_RETRY_FIRST_SECONDS = 1
    yield server
    server.stop()


@committing
def test_an_smtp_outage_loses_nothing_and_delivers_every_message_exactly_once(client, smtp):
    nominating = CompetitionFactory(year=2090)
    reviewed = CompetitionFactory(year=2089, review=True)
    closed = CompetitionFactory(year=2088, deliberation=True)
    expected = Counter()

    # 20 nominations, each from its own office (the form is rate-limited per client).
    for number in range(20):
        address = f"lomake{number}@kunta.example"
        data = valid_form_data(practice_name=f"Käytäntö {number}", contact_email=address)
        response = client.post("/ehdota/", data, REMOTE_ADDR=f"10.1.0.{number}")
        assert response.status_code == 302
        assert response["Location"].startswith("/ehdotus/")
        expected[(address, f"Ehdotus vastaanotettu: Käytäntö {number}")] += 1

    # 5 voters, each in their own browser, ask for a sign-in code.
    for number in range(5):
        address = VoterFactory(email=f"koodinpyytaja{number}@example.fi").email
        response = Client().post(
            reverse("account_request_login_code"),
            {"email": address},
            REMOTE_ADDR=f"10.2.0.{number}",
        )
        assert response.status_code == 302
        expected[(address, None)] += 1

    # A submission rolled back after its e-mail was queued sends nothing.
    with pytest.raises(RuntimeError), transaction.atomic():
        nomination_services.nomination_submit(
            competition=nominating,
            data={**valid_form_data(), "contact_email": "peruttu@kunta.example"},
            answers={number: "Vastaus." for number in range(1, 5)},
        )
        raise RuntimeError("the request failed after the e-mail was queued")

    # Publishing the finalists tells 20 nominators: 4 finalists and 16 others.
    finalists = [FinalistFactory(nomination__competition=reviewed) for _ in range(4)]
    others = NominationFactory.create_batch(16, competition=reviewed)
    staff = StaffUserFactory(groups=["Viestintä"])
    admin_login(client, staff)
    published = client.post(
        reverse("admin:jury_finalist_changelist"),
        {"action": "publish", "_selected_action": [finalists[0].pk], "confirm": "1"},
        follow=True,
    )
    assert "Vuoden 2089 finalistit julkistettu." in published.content.decode()
    for finalist in finalists:
        name = finalist.nomination.practice_name
        expected[
            (finalist.nomination.contact_email, f"Onnittelut: {name} on Hyvä käytäntö -finalisti")
        ] += 1
    for nomination in others:
        expected[(nomination.contact_email, f"{reviewed.title}: finalistit on valittu")] += 1

    # Publishing the results tells the finalists of the closed year.
    winner = FinalistFactory(
        nomination__competition=closed,
        recognition=Recognition.WINNER,
        recognition_statement="Raadin valinta.",
    )
    runner_up = FinalistFactory(nomination__competition=closed)
    VoteFactory(finalist=runner_up, competition=closed)
    results = client.post(
        reverse("admin:archive_resultspublication_changelist"),
        {"action": "publish", "_selected_action": [closed.pk], "confirm": "1"},
        follow=True,
    )
    assert results.status_code == 200
    closed.refresh_from_db()
    assert closed.results_published_at is not None
    for finalist in (winner, runner_up):
        expected[(finalist.nomination.contact_email, None)] += 1
    client.logout()

    # The worker runs while the server is down: every attempt fails and is put off.
    run_worker()
    assert smtp.received == []
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"queued"}
    assert not OutgoingEmail.objects.filter(attempts=0).exists()  # each was tried

    smtp.start()
    # Each message's next retry is due a second or two after its last failure (longer for
    # one a slow machine already tried twice): run the worker as the retries fall due.
    work_until(lambda: not OutgoingEmail.objects.filter(state="queued").exists())

    by_recipient = Counter(message.recipients[0] for message in smtp.received)
    subjects = {message.recipients[0]: message.subject for message in smtp.received}
    assert by_recipient == Counter(recipient for recipient, _ in expected.elements())
    assert {a: subjects[a] for a, s in expected if s} == {a: s for a, s in expected if s}
    assert "peruttu@kunta.example" not in by_recipient
    assert len({message.message_id for message in smtp.received}) == len(smtp.received) == 47
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_every_request_answers_as_normal_while_the_mail_server_is_down(client, smtp):
    competition = CompetitionFactory()

    response = client.post("/ehdota/", valid_form_data(), follow=True)

    assert "Kiitos! Ehdotus on vastaanotettu." in response.content.decode()
    assert Nomination.objects.filter(competition=competition).count() == 1
    assert OutgoingEmail.objects.get().state == "queued"


def test_a_delivered_message_is_not_sent_again_by_a_repeated_job(delivering):
    with delivering() as outbox:
        queued = mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])

    sent_again = mail.email_deliver(key=str(queued.key))

    queued.refresh_from_db()
    assert sent_again is False
    assert len(outbox) == 1
    assert queued.state == "sent"
    assert queued.message is None  # the text (a link, a code) is not kept once delivered


@committing
def test_a_message_keeps_its_message_id_on_every_attempt(smtp):
    queued = mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])
    run_worker()  # fails: the server is down
    smtp.start()

    work_until(lambda: smtp.received)

    (received,) = smtp.received
    assert received.message_id == f"<{queued.key}@talentia.fi>"


def test_subject_is_one_line_and_not_html_escaped(delivering):
    nomination = NominationFactory(practice_name="Lapset & \"perheet\" <yhdessä> 'ensin'")
    with delivering() as outbox:
        nomination_services.nomination_withdraw(nomination=nomination)

    assert outbox[0].subject == "Ehdotus peruttu: Lapset & \"perheet\" <yhdessä> 'ensin'"
    assert "Lapset & \"perheet\" <yhdessä> 'ensin'" in outbox[0].body


def test_a_subject_with_a_line_break_is_sent_on_one_line(delivering):
    with delivering() as outbox:
        mail.email_send(subject="Ensimmäinen\r\nBcc: kaikki@example.fi", body=".", to=["a@x.fi"])

    assert outbox[0].subject == "Ensimmäinen Bcc: kaikki@example.fi"
    assert outbox[0].recipients() == ["a@x.fi"]


@committing
def test_a_message_that_keeps_failing_is_marked_failed_after_the_retry_window(smtp, settings):
    queued = mail.email_send(subject="Hei", body="Viesti.", to=["a@example.fi"])
    run_worker()
    queued.refresh_from_db()
    tried = queued.attempts
    OutgoingEmail.objects.filter(pk=queued.pk).update(
        queued_at=timezone.now() - timedelta(hours=settings.EMAIL_RETRY_HOURS)
    )

    work_until(lambda: OutgoingEmail.objects.get(pk=queued.pk).state == "failed")

    queued.refresh_from_db()
    assert queued.state == "failed"
    assert queued.attempts == tried + 1  # the next attempt after the window gave up
    assert "ConnectionRefusedError" in queued.last_error


def test_staff_resend_a_failed_message_from_the_admin(client, smtp):
    failed = mail.email_send(subject="Linkki", body="Viesti.", to=["a@example.fi"])
    OutgoingEmail.objects.filter(pk=failed.pk).update(state="failed", attempts=30)
    sent = OutgoingEmail.objects.create(
        subject="Lähti", recipients="b@example.fi", state="sent", sent_at=timezone.now()
    )
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))
    changelist = reverse("admin:hyvakaytanto_outgoingemail_changelist")

    listing = client.get(changelist, {"state__exact": "failed"})
    response = client.post(
        changelist, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True
    )
    smtp.start()
    run_worker()

    failed.refresh_from_db()
    text = response.content.decode()
    assert "Linkki" in listing.content.decode()
    assert "1 viesti on taas jonossa lähetettäväksi." in text
    assert "muut valitut ohitettiin" in text
    assert failed.state == "sent"
    assert [m.recipients for m in smtp.received] == [("a@example.fi",)]


def test_a_juror_cannot_resend_or_read_outgoing_email(client):
    from tests.factories.jury import JuryMemberFactory

    failed = mail.email_send(subject="Linkki", body="Viesti.", to=["a@example.fi"])
    OutgoingEmail.objects.filter(pk=failed.pk).update(state="failed")
    admin_login(client, JuryMemberFactory().user)
    changelist = reverse("admin:hyvakaytanto_outgoingemail_changelist")

    listing = client.get(changelist)
    client.post(changelist, {"action": "resend", "_selected_action": [failed.pk]})

    failed.refresh_from_db()
    assert listing.status_code == 403
    assert failed.state == "failed"


def test_sign_in_codes_go_before_a_mass_mailing(delivering):
    competition = CompetitionFactory(review=True)
    for nomination in NominationFactory.create_batch(3, competition=competition):
        nomination_services.email_contact(
            nomination,
            "jury/email/not_shortlisted",
            {"nomination": nomination, "competition": competition},
            bulk=True,
        )
    mail.email_send(subject="Kirjautumiskoodi", body="ABCD-1234", to=["v@example.fi"])

    with delivering() as outbox:
        pass

    assert outbox[0].subject == "Kirjautumiskoodi"
    assert len(outbox) == 4


def test_old_email_rows_are_deleted_by_retention(settings):
    now = timezone.now()
    old_sent = OutgoingEmail.objects.create(
        subject="Vanha",
        recipients="a@x.fi",
        state="sent",
        sent_at=now - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS, seconds=1),
    )
    recent_sent = OutgoingEmail.objects.create(
        subject="Uusi", recipients="b@x.fi", state="sent", sent_at=now - timedelta(days=1)
    )
    old_failed = OutgoingEmail.objects.create(
        subject="Epäonnistui",
        recipients="c@x.fi",
        state="failed",
        queued_at=now - timedelta(days=settings.FAILED_EMAIL_RETENTION_DAYS, seconds=1),
    )
    waiting = OutgoingEmail.objects.create(
        subject="Jonossa", recipients="d@x.fi", queued_at=now - timedelta(days=90)
    )

    deleted = mail.email_prune(now=now)

    assert deleted == 2
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent_sent.pk, waiting.pk}
    assert not OutgoingEmail.objects.filter(pk__in=[old_sent.pk, old_failed.pk]).exists()


def test_djangos_own_mail_goes_through_the_queue_too(delivering):
    with delivering() as outbox:
        django_mail.send_mail("Djangon viesti", "Teksti.", None, ["a@example.fi"])
        assert outbox == []  # queued, not yet delivered

    assert [m.subject for m in outbox] == ["Djangon viesti"]


def test_a_message_the_server_refuses_for_good_fails_at_once_and_is_not_retried(smtp, caplog):
    smtp.refused.add("ei-ole@example.fi")
    smtp.start()
    refused = mail.email_send(subject="Hei", body="Viesti.", to=["ei-ole@example.fi"])

    run_worker()
    run_worker()

    refused.refresh_from_db()
    assert refused.state == "failed"
    assert refused.attempts == 1
    assert refused.last_error.startswith("SMTPRecipientsRefused")
    assert smtp.received == []
    our_log = " ".join(r.getMessage() for r in caplog.records if r.name == "core.mail")
    assert "listed as failed" in our_log
    assert "ei-ole@example.fi" not in our_log


def test_a_message_and_its_job_are_written_together_or_not_at_all():
    message = django_mail.EmailMessage("Hei", "Viesti.", to=["a@example.fi"])

    # A job the database refuses (a priority out of range) takes its message row with it.
    with pytest.raises(ConnectorException):
        mail.email_queue(message, priority=2**40)

    assert not OutgoingEmail.objects.exists()


@committing
def test_a_delivery_job_that_finds_no_message_retries_then_fails_loudly(settings, caplog):
    from core.mail import deliver_email
    from core.queue import defer_with_transaction

    settings.EMAIL_MISSING_RETRY_SECONDS = mail.MISSING_RETRY_DELAY_SECONDS
    key = "00000000-0000-0000-0000-00000000abcd"
    with transaction.atomic():
        defer_with_transaction(deliver_email, key=key)
    jobs = ProcrastinateJob.objects.filter(task_name="deliver_email")

    try:
        run_worker()
        first = jobs.values("status", "attempts").get()
        work_until(lambda: jobs.get().status != "todo")
        last = jobs.get().status
    finally:
        empty_queue()

    assert first == {"status": "todo", "attempts": 1}  # asks again: the row may be committing
    assert last == "failed"  # never a success without its message
    assert f"Delivery job for e-mail {key} found no message in 2 attempt(s)" in caplog.text


def test_erasing_a_contact_person_deletes_their_outgoing_mail(delivering):
    nomination = NominationFactory(contact_email="poistettava@kunta.example")
    other = mail.email_send(subject="Muille", body=".", to=["joku@kunta.example"])
    mail.email_send(subject="Linkki", body="Salainen linkki.", to=["Poistettava@kunta.example"])

    with delivering() as outbox:
        nomination_services.nomination_contact_erase(nomination=nomination)

    assert [m.to for m in outbox] == [["joku@kunta.example"]]
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [other.pk]
    # The erased message's job went with it: none is left to look for it and fail.
    assert not ProcrastinateJob.objects.filter(task_name="deliver_email").exists()


def test_a_deleted_voter_account_takes_its_outgoing_mail(client, delivering):
    from voting import services as voting_services

    voter = VoterFactory(email="lahtija@example.fi")
    mail.email_send(subject="Kirjautumiskoodi", body="ABCD-1234", to=[voter.email])

    with delivering() as outbox:
        voting_services.voter_delete_account(voter=voter)

    assert outbox == []
    assert not OutgoingEmail.objects.exists()
    assert not ProcrastinateJob.objects.filter(task_name="deliver_email").exists()


def test_development_prints_each_email_readably_in_the_console(settings, capsys):
    settings.EMAIL_DELIVERY_BACKEND = "core.mail.ReadableConsoleBackend"
    mail.email_send(
        subject="Ehdotuksesi on vastaanotettu – Hyvä käytäntö",
        body="Hei Liisa,\n\nkiitos ehdotuksesta.",
        to=["liisa@example.fi"],
    )

    run_worker()

    printed = capsys.readouterr().out
    assert "Subject: Ehdotuksesi on vastaanotettu – Hyvä käytäntö" in printed
    assert "Hei Liisa,\n\nkiitos ehdotuksesta." in printed
    assert "=?utf-8?" not in printed
