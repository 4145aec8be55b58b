import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import Criterion
from nominations.enums import NominationState, Region
from nominations.models import Attachment, CriterionAnswer, Nomination, hash_token
from tests.factories.hyvakaytanto import CompetitionFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class NominationFactory(DjangoModelFactory):
    """A submitted nomination with an answer to every criterion; its link token is ``token``."""

    class Meta:
        model = Nomination
        skip_postgeneration_save = True

    class Params:
        token = factory.Sequence(lambda n: f"private-link-token-{n:04d}-abcdefghijklmnopqrstuvw")
        withdrawn = factory.Trait(
            state=NominationState.WITHDRAWN, withdrawn_at=factory.LazyFunction(timezone.now)
        )

    competition = factory.SubFactory(CompetitionFactory)
    practice_name = factory.Sequence(lambda n: f"Kokemusasiantuntijaraati {n}")
    summary = "Kokemusasiantuntijat arvioivat palveluja yhdessä työntekijöiden kanssa."
    organisations = "Recovery-toimintaorientaatio mielenterveyspalveluissa -hanke"
    region = Region.PIRKANMAA
    target_group = "Mielenterveyskuntoutujat"
    contact_name = "Maija Meikäläinen"
    contact_title = "Sosiaalityöntekijä"
    contact_email = factory.Sequence(lambda n: f"ehdottaja{n}@kunta.example")
    contact_phone = "+358 40 123 4567"
    publish_consent = True
    privacy_acknowledged_at = factory.LazyFunction(timezone.now)
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))

    @factory.post_generation
    def answers(nomination, create, extracted, **kwargs):
        if not create:
            return
        for criterion in Criterion.objects.all():
            CriterionAnswer.objects.create(
                nomination=nomination,
                criterion=criterion,
                text=f"Vastaus kriteeriin {criterion.number}.",
            )


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    nomination = factory.SubFactory(NominationFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="raportti.pdf"))
    original_name = "arviointiraportti.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
