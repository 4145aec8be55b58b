"""Reminders to jurors through the task queue: the ones due, once each, never to the done."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jury import services
from jury.tasks import send_scoring_reminders
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login, sheet
from tests.queue import run_worker

pytestmark = pytest.mark.django_db


def test_walking_the_year_each_juror_gets_exactly_the_reminders_due(mailoutbox, settings):
    settings.JURY_REMINDER_DAYS = [7, 2]
    competition = CompetitionFactory(review=True)
    nominations = NominationFactory.create_batch(3, competition=competition)
    idle, finished, busy = JuryMemberFactory.create_batch(3, competition=competition)
    for nomination in nominations:
        services.score_save(seat=finished, nomination=nomination, scores=_full())
    services.juror_mark_done(seat=finished)
    services.score_save(seat=busy, nomination=nominations[0], scores=_full())
    # Each walk day at 9.00 Helsinki time, from the day nominations close, whatever the hour
    # the test runs at and whichever side of a summer-time change the days fall on.
    start = timezone.localtime(competition.nomination_closes_at).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    days = (
        timezone.localdate(competition.scoring_closes_at)
        - timezone.localdate(competition.nomination_closes_at)
    ).days

    sent_on = Counter()
    for day in range(days + 2):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            send_scoring_reminders.defer(timestamp=int(timezone.now().timestamp()))
            run_worker()
            run_worker()  # the worker running again sends nothing more
            for message in mailoutbox:
                sent_on[(message.to[0], day)] += 1
            mailoutbox.clear()

    deadline_day = days  # the scoring deadline falls at the start of this walk day
    assert sent_on == {
        (idle.user.email, deadline_day - 7): 1,
        (idle.user.email, deadline_day - 2): 1,
        (busy.user.email, deadline_day - 7): 1,
        (busy.user.email, deadline_day - 2): 1,
    }


def test_a_reminder_says_how_many_are_left_and_links_to_the_list(delivering, settings):
    settings.JURY_REMINDER_DAYS = [30]
    competition = CompetitionFactory(review=True)
    NominationFactory.create_batch(2, competition=competition)
    seat = JuryMemberFactory(competition=competition)

    with delivering() as outbox:
        services.jury_reminders_send_due()

    (message,) = outbox
    assert "sinulla on vielä 2 ehdotusta arvioimatta" in message.body
    assert "/admin/jury/scoringnomination/" in message.body
    assert message.to == [seat.user.email]


def test_the_chair_sends_a_reminder_now_from_the_progress_list(client, delivering):
    competition = CompetitionFactory(review=True)
    nomination = NominationFactory(competition=competition)
    chair = JuryMemberFactory(competition=competition, chair=True)
    late, done = JuryMemberFactory.create_batch(2, competition=competition)
    login(client, done)
    client.post(reverse("admin:jury_scoringnomination_change", args=[nomination.pk]), sheet())
    login(client, chair)

    with delivering() as outbox:
        client.post(
            reverse("admin:jury_jurymember_changelist"),
            {"action": "remind", "_selected_action": [late.pk, done.pk]},
        )

    assert [m.to for m in outbox] == [[late.user.email]]


def test_a_member_cannot_send_reminders(client, delivering):
    competition = CompetitionFactory(review=True)
    NominationFactory(competition=competition)
    member, other = JuryMemberFactory.create_batch(2, competition=competition)
    login(client, member)

    with delivering() as outbox:
        client.post(
            reverse("admin:jury_jurymember_changelist"),
            {"action": "remind", "_selected_action": [other.pk]},
        )

    assert outbox == []


def _full():
    from core.models import Criterion

    return {c.pk: services.CriterionScore(value=3) for c in Criterion.objects.all()}
