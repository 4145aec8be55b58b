import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from voting.mailboxes import canonical_address
from voting.models import Vote, VoterMailbox


class VoterFactory(DjangoModelFactory):
    """A public voter: no password, a verified e-mail address (unless ``verified=False``)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"aanestaja{n}")
    email = factory.Sequence(lambda n: f"aanestaja{n}@example.fi")
    password = factory.django.Password(None)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=user,
                email=user.email,
                primary=True,
                verified=True if extracted is None else extracted,
            )

    @factory.post_generation
    def mailbox(user, create, extracted, **kwargs):
        if create:
            VoterMailbox.objects.create(user=user, canonical=canonical_address(user.email))


def open_finalist(**kwargs):
    """A published finalist of a competition whose vote is open now."""
    competition = kwargs.pop("competition", None) or CompetitionFactory(voting=True)
    return FinalistFactory(nomination__competition=competition, **kwargs)


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    finalist = factory.LazyFunction(open_finalist)
    competition = factory.SelfAttribute("finalist.nomination.competition")
    voter = factory.SubFactory(VoterFactory)
