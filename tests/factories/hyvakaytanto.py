from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import Competition

# Days from the opening of nominations, as in a real year (autumn call, February vote).
NOMINATION_DAYS = 60
SCORING_DAYS = 40
VOTING_GAP_DAYS = 10
VOTING_DAYS = 21


def _days_ago(days: int):
    return factory.LazyFunction(lambda: timezone.now() - timedelta(days=days))


class CompetitionFactory(DjangoModelFactory):
    """A competition year; by default in its nomination phase now. Traits give other phases."""

    class Meta:
        model = Competition

    class Params:
        opens = _days_ago(10)
        draft = factory.Trait(opens=_days_ago(-5))
        review = factory.Trait(opens=_days_ago(NOMINATION_DAYS + 10))
        voting = factory.Trait(
            opens=_days_ago(NOMINATION_DAYS + SCORING_DAYS + VOTING_GAP_DAYS + 5),
            finalists_published_at=factory.SelfAttribute("voting_opens_at"),
        )
        deliberation = factory.Trait(
            opens=_days_ago(NOMINATION_DAYS + SCORING_DAYS + VOTING_GAP_DAYS + VOTING_DAYS + 5),
            finalists_published_at=factory.SelfAttribute("voting_opens_at"),
        )
        published = factory.Trait(
            deliberation=True,
            results_published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Hyvä käytäntö {o.year}")
    introduction = "Ehdota sosiaalialan hyvää käytäntöä."
    prize_text = "1000 euroa ja matka sosiaalialan konferenssiin ulkomaille."
    nomination_opens_at = factory.SelfAttribute("opens")
    nomination_closes_at = factory.LazyAttribute(
        lambda o: o.nomination_opens_at + timedelta(days=NOMINATION_DAYS)
    )
    scoring_closes_at = factory.LazyAttribute(
        lambda o: o.nomination_closes_at + timedelta(days=SCORING_DAYS)
    )
    voting_opens_at = factory.LazyAttribute(
        lambda o: o.scoring_closes_at + timedelta(days=VOTING_GAP_DAYS)
    )
    voting_closes_at = factory.LazyAttribute(
        lambda o: o.voting_opens_at + timedelta(days=VOTING_DAYS)
    )
    finalists_published_at = None
    results_published_at = None
