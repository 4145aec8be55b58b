"""Feedback to nominees after the results: the panel's means and the comments jurors chose to
share, without their names, previewed by staff and sent once through the queue."""

import pytest
from django.urls import reverse

from core.models import AuditEvent, Criterion, OutgoingEmail
from jury.models import FeedbackRound, OverallComment, Score
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory
from tests.jury.conftest import login, sheet
from tests.jury.test_queries import give

pytestmark = pytest.mark.django_db

SHARED = "Selkeä kuvaus, jonka voi toistaa toisessa kunnassa."
PRIVATE = "Raadin kesken: muistuttaa viime vuoden voittajaa."
SHARED_OVERALL = "Vahva ehdotus kokonaisuutena."
PRIVATE_OVERALL = "En ole varma vaikuttavuudesta."


@pytest.fixture
def published_year():
    """A year with published results: two jurors with names, one nomination both scored
    (one comment of each kind, shared and not), one nobody scored."""
    competition = CompetitionFactory(published=True)
    a = JuryMemberFactory(
        competition=competition, user__first_name="Aino", user__last_name="Arvioija"
    )
    b = JuryMemberFactory(
        competition=competition, user__first_name="Bertta", user__last_name="Pisteyttäjä"
    )
    scored = NominationFactory(competition=competition, practice_name="Perhetyön malli")
    unscored = NominationFactory(competition=competition, practice_name="Arvioimatta jäänyt")
    give(a, scored, [5, 4, 3, 4])
    give(b, scored, [4, 4, 2, 4])
    first = Criterion.objects.get(number=1)
    Score.objects.filter(juror=a, nomination=scored, criterion=first).update(
        comment=SHARED, shared_with_nominee=True
    )
    Score.objects.filter(juror=b, nomination=scored, criterion=first).update(comment=PRIVATE)
    OverallComment.objects.create(
        juror=a, nomination=scored, text=SHARED_OVERALL, shared_with_nominee=True
    )
    OverallComment.objects.create(juror=b, nomination=scored, text=PRIVATE_OVERALL)
    return competition, (a, b), scored, unscored


def send_url(competition) -> str:
    return reverse("admin:jury_feedbackround_send", args=[competition.pk])


def test_a_juror_marks_a_comment_for_the_nominee_on_the_score_sheet(client, juror, nomination):
    first = Criterion.objects.get(number=1)
    login(client, juror)
    url = reverse("admin:jury_scoringnomination_change", args=[nomination.pk])

    client.post(
        url,
        sheet(comment="Hyvä", overall="Kokonaisuus", **{f"shared_{first.pk}": "on"})
        | {"overall_shared": "on"},
    )
    page = client.get(url).content.decode()

    shared = dict(
        Score.objects.filter(juror=juror, nomination=nomination).values_list(
            "criterion__number", "shared_with_nominee"
        )
    )
    assert shared == {1: True, 2: False, 3: False, 4: False}
    assert OverallComment.objects.get(juror=juror, nomination=nomination).shared_with_nominee
    assert "Näytetään ehdottajalle" in page
    assert f'name="shared_{first.pk}" id="id_shared_{first.pk}" checked' in page


def test_staff_preview_every_feedback_email_in_full_and_nothing_is_sent(
    client, staff, published_year
):
    competition, _jurors, scored, _unscored = published_year
    login(client, staff)
    listing = client.get(reverse("admin:jury_feedbackround_changelist")).content.decode()

    preview = client.get(send_url(competition)).content.decode()

    assert send_url(competition) in listing
    assert scored.contact_email in preview
    assert "4,5" in preview  # the first criterion's mean, in Finnish
    assert SHARED in preview and SHARED_OVERALL in preview
    assert "Arvioimatta jäänyt" in preview  # named as getting no feedback
    assert not OutgoingEmail.objects.exists()
    assert not FeedbackRound.objects.exists()


def test_the_email_has_no_jurors_name_and_no_unmarked_comment(client, staff, published_year):
    competition, jurors, scored, _unscored = published_year
    login(client, staff)

    client.post(send_url(competition))

    (email,) = OutgoingEmail.objects.all()
    body = email.message["body"]
    assert email.recipients == scored.contact_email
    assert "palkintoraadin palaute" in email.subject
    assert SHARED in body and SHARED_OVERALL in body
    assert "1. Helposti sovellettava: 4,5" in body
    assert PRIVATE not in body and PRIVATE_OVERALL not in body
    for seat in jurors:
        for name in (seat.user.first_name, seat.user.last_name, seat.user.username):
            assert name not in body


def test_feedback_is_queued_once_audited_and_a_second_sending_is_refused(
    client, staff, published_year
):
    competition, _jurors, _scored, _unscored = published_year
    login(client, staff)

    client.post(send_url(competition))
    again = client.post(send_url(competition), follow=True)

    assert OutgoingEmail.objects.count() == 1
    feedback_round = FeedbackRound.objects.get(competition=competition)
    assert (feedback_round.sent_by, feedback_round.letters) == (staff, 1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FEEDBACK_SENT)
    assert event.details["recipients"] == 1
    assert "Tämän vuoden palaute on jo lähetetty." in again.content.decode()


def test_feedback_waits_for_the_results(client, staff):
    competition = CompetitionFactory(deliberation=True)
    juror = JuryMemberFactory(competition=competition)
    give(juror, NominationFactory(competition=competition), [4, 4, 4, 4])
    login(client, staff)

    refused = client.post(send_url(competition), follow=True)

    assert "vasta, kun tulokset on julkistettu" in refused.content.decode()
    assert not OutgoingEmail.objects.exists()
    assert not FeedbackRound.objects.exists()


def test_a_swedish_nominee_reads_their_feedback_in_swedish(client, staff, published_year):
    competition, _jurors, scored, _unscored = published_year
    scored.language = "sv"
    scored.save(update_fields=["language"])
    login(client, staff)

    client.post(send_url(competition))

    body = OutgoingEmail.objects.get().message["body"]
    assert "Juryns medelpoäng per kriterium" in body
    assert "4,5" in body


@pytest.mark.parametrize("who", ["chair", "juror", "superuser_without_otp"])
def test_only_staff_who_send_feedback_reach_it(client, who, published_year):
    competition, (a, _b), _scored, _unscored = published_year
    user = {
        "chair": lambda: JuryMemberFactory(competition=competition, chair=True).user,
        "juror": lambda: a.user,
        "superuser_without_otp": lambda: StaffUserFactory(),
    }[who]()
    login(client, user)

    page = client.get(send_url(competition))
    sent = client.post(send_url(competition))

    assert page.status_code == 403
    assert sent.status_code == 403
    assert not OutgoingEmail.objects.exists()
