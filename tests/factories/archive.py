import factory
from factory.django import DjangoModelFactory

from archive.enums import AwardKind
from archive.models import Award, AwardYear


class AwardYearFactory(DjangoModelFactory):
    class Meta:
        model = AwardYear
        django_get_or_create = ["year"]

    class Params:
        not_awarded = factory.Trait(awarded=False, note="Palkintoa ei jaettu.")

    year = factory.Sequence(lambda n: 2100 + n)
    awarded = True
    note = ""


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    class Params:
        finalist = factory.Trait(kind=AwardKind.FINALIST)

    year = factory.SubFactory(AwardYearFactory)
    kind = AwardKind.WINNER
    practice_name = factory.Sequence(lambda n: f"Aistien tila sosiaalityön ympäristönä {n}")
    organisation = "Elämyksillä osaksi yhteiskuntaa -hanke"
