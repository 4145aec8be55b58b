import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.enums import Phase
from core.models import Criterion
from jury import services
from jury.models import Score
from tests.concurrency import at_once
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory, JuryMemberFactory, StaffUserFactory
from tests.factories.nominations import NominationFactory

pytestmark = pytest.mark.django_db


def full_sheet(value: int) -> dict:
    return {c.pk: services.CriterionScore(value=value) for c in Criterion.objects.all()}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_the_same_jurors_sheet_end_with_one_row_per_criterion():
    juror = JuryMemberFactory()
    nomination = NominationFactory(competition=juror.competition)

    at_once(
        lambda value: services.score_save(
            seat=juror, nomination=nomination, scores=full_sheet(value)
        ),
        [1 + n % 5 for n in range(20)],
    )

    scores = Score.objects.filter(juror=juror, nomination=nomination)
    assert scores.count() == Criterion.objects.count()
    assert len(set(scores.values_list("value", flat=True))) == 1  # one whole sheet won


def test_a_sheet_must_score_every_criterion():
    juror = JuryMemberFactory()
    nomination = NominationFactory(competition=juror.competition)
    partial = dict(list(full_sheet(3).items())[:2])

    with pytest.raises(ValidationError, match="jokaiselle kriteerille"):
        services.score_save(seat=juror, nomination=nomination, scores=partial)


def test_withdrawn_nomination_cannot_be_scored():
    juror = JuryMemberFactory()
    nomination = NominationFactory(competition=juror.competition, withdrawn=True)

    with pytest.raises(ValidationError):
        services.score_save(seat=juror, nomination=nomination, scores=full_sheet(3))


def test_another_years_nomination_cannot_be_scored():
    juror = JuryMemberFactory()

    elsewhere = NominationFactory(competition=CompetitionFactory(review=True))

    with pytest.raises(PermissionDenied):
        services.score_save(seat=juror, nomination=elsewhere, scores=full_sheet(3))


def test_publishing_finalists_stamps_the_year_and_tells_every_nominator(mailoutbox, delivering):
    competition = CompetitionFactory(review=True)
    finalist = FinalistFactory(nomination__competition=competition)
    other = NominationFactory(competition=competition)
    NominationFactory(competition=competition, withdrawn=True)
    staff = StaffUserFactory(groups=["Viestintä"])

    with delivering():
        services.finalists_publish(competition=competition, by=staff)

    competition.refresh_from_db()
    assert competition.finalists_published_at is not None
    recipients = {m.to[0]: m.subject for m in mailoutbox}
    practice = finalist.nomination.practice_name
    assert recipients == {
        finalist.nomination.contact_email: f"Onnittelut: {practice} on Hyvä käytäntö -finalisti",
        other.contact_email: f"{competition.title}: finalistit on valittu",
    }


def test_finalists_are_not_published_without_their_statements():
    competition = CompetitionFactory(review=True)
    FinalistFactory(nomination__competition=competition, statement="")

    with pytest.raises(ValidationError, match="perustelut puuttuvat"):
        services.finalists_publish(
            competition=competition, by=StaffUserFactory(groups=["Viestintä"])
        )


def test_jurors_cannot_publish_finalists():
    competition = CompetitionFactory(review=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    FinalistFactory(nomination__competition=competition)

    with pytest.raises(PermissionDenied):
        services.finalists_publish(competition=competition, by=chair.user)


def test_unshortlisting_is_refused_after_publication():
    competition = CompetitionFactory(voting=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    finalist = FinalistFactory(nomination__competition=competition)

    with pytest.raises(PermissionDenied):
        services.finalist_unshortlist(finalist=finalist, by=chair.user)


def test_published_finalists_start_the_vote():
    competition = CompetitionFactory(review=True)
    FinalistFactory(nomination__competition=competition)
    staff = StaffUserFactory(groups=["Viestintä"])

    services.finalists_publish(competition=competition, by=staff)

    competition.refresh_from_db()
    assert competition.phase_at(competition.voting_opens_at) == Phase.VOTING
