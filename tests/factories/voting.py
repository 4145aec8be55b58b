import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import FinalistFactory
from voting.mailboxes import canonical_address
from voting.models import Vote, VoterMailbox

# Voters' addresses look like people's: distinct names at several domains. Numbered addresses
# at one domain are what a campaign looks like, and the vote's flags would hold them back.
FIRST_NAMES = (
    "maija",
    "jussi",
    "aino",
    "pekka",
    "liisa",
    "ville",
    "helmi",
    "otto",
    "saara",
    "eino",
    "kaisa",
)
LAST_NAMES = (
    "virtanen",
    "korhonen",
    "nieminen",
    "makinen",
    "hamalainen",
    "laine",
    "heikkinen",
    "koskinen",
    "jarvinen",
    "lehtonen",
    "saarinen",
    "salminen",
    "tuominen",
)
DOMAINS = (
    "example.fi",
    "example.com",
    "example.net",
    "example.org",
    "esimerkki.fi",
    "exempel.se",
    "kunta.example",
)


def voter_address(n: int) -> str:
    """The n-th voter's address: a first and a last name, unique for n below 143 at each
    domain; further on a year is told apart by a letter, never a run of numbers."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    round_ = n // (len(FIRST_NAMES) * len(LAST_NAMES))
    middle = f".{'abcdefghijklmnopqrstuvwxyz'[round_ % 26]}" if round_ else ""
    return f"{first}{middle}.{last}@{DOMAINS[n % len(DOMAINS)]}"


class VoterFactory(DjangoModelFactory):
    """A public voter: no password, a verified e-mail address (unless ``verified=False``)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"aanestaja{n}")
    email = factory.Sequence(lambda n: voter_address(n))
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
