import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from jury.enums import JuryRole
from jury.models import ConflictOfInterest, Finalist, JuryMember, Score
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.nominations import NominationFactory


class StaffUserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"raati{n}")
    first_name = factory.Sequence(lambda n: f"Arvioija{n}")
    last_name = "Raatilainen"
    email = factory.LazyAttribute(lambda o: f"{o.username}@talentia.example")
    is_staff = True
    password = factory.django.Password("salasana-raati-2027")

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create:
            for name in extracted or ["Raati"]:
                user.groups.add(Group.objects.get(name=name))


class JuryMemberFactory(DjangoModelFactory):
    """A seat on a panel; the default competition is in its review phase now."""

    class Meta:
        model = JuryMember

    class Params:
        chair = factory.Trait(role=JuryRole.CHAIR)

    competition = factory.SubFactory(CompetitionFactory, review=True)
    user = factory.SubFactory(StaffUserFactory)
    role = JuryRole.MEMBER
    organisation = "Talentia"


class ScoreFactory(DjangoModelFactory):
    class Meta:
        model = Score

    juror = factory.SubFactory(JuryMemberFactory)
    nomination = factory.SubFactory(
        NominationFactory, competition=factory.SelfAttribute("..juror.competition")
    )
    criterion_id = 1
    value = 3


class ConflictFactory(DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    juror = factory.SubFactory(JuryMemberFactory)
    nomination = factory.SubFactory(
        NominationFactory, competition=factory.SelfAttribute("..juror.competition")
    )
    reason = "Olen ollut mukana kehittämässä käytäntöä."


class FinalistFactory(DjangoModelFactory):
    class Meta:
        model = Finalist

    nomination = factory.SubFactory(NominationFactory)
    statement = "Palkintoraati kiittää mallia aidosti ennaltaehkäiseväksi."
    shortlisted_by = factory.SubFactory(StaffUserFactory)
