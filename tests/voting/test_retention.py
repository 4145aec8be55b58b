from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from tests.factories.voting import VoteFactory, open_finalist
from voting.models import Vote
from voting.queries import tally

pytestmark = pytest.mark.django_db


def published_year(days_ago: int):
    competition = CompetitionFactory(published=True)
    competition.results_published_at = timezone.now() - timedelta(days=days_ago)
    competition.save()
    return competition


def test_purge_erases_old_voters_and_keeps_the_counts(settings):
    settings.VOTER_DATA_RETENTION_DAYS = 90
    old = published_year(days_ago=91)
    finalist = FinalistFactory(nomination__competition=old)
    votes = VoteFactory.create_batch(3, finalist=finalist, competition=old, network="verkko")
    before = [(row.finalist, row.votes) for row in tally(old)]

    call_command("apply_retention", stdout=StringIO())

    assert [(row.finalist, row.votes) for row in tally(old)] == before
    assert set(Vote.objects.values_list("voter", "network")) == {(None, "")}
    assert not EmailAddress.objects.filter(email__in=[v.voter.email for v in votes]).exists()


def test_purge_leaves_years_within_retention_and_running_votes(settings):
    settings.VOTER_DATA_RETENTION_DAYS = 90
    recent = published_year(days_ago=10)
    VoteFactory(finalist=FinalistFactory(nomination__competition=recent), competition=recent)
    VoteFactory(finalist=open_finalist())

    call_command("apply_retention", stdout=StringIO())

    assert Vote.objects.filter(voter__isnull=False).count() == 2
