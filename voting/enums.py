"""The vote's review: the published rules a vote can be removed under, the kinds of cluster the
flags find, and what staff can decide."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemovalRule(models.TextChoices):
    """The published rules (the voting rules page lists them, numbered in this order). A
    removed vote names one; the public results count the removed votes under each."""

    SEVERAL_MAILBOXES = (
        "several_mailboxes",
        _("Sama henkilö äänesti useammalla kuin yhdellä sähköpostiosoitteella."),
    )
    NOT_OWN_MAILBOX = (
        "not_own_mailbox",
        _("Ääni annettiin osoitteella, joka ei ole äänestäjän oma henkilökohtainen osoite."),
    )
    AUTOMATED = "automated", _("Ääni annettiin ohjelmallisesti tai automaattisesti.")
    INDUCED = "induced", _("Äänestä tarjottiin tai luvattiin palkkio tai muu etu.")
    NOT_CONFIRMED = (
        "not_confirmed",
        _("Äänestäjä ei vahvistanut ääntään pyydettyyn päivään mennessä."),
    )


class DecisionAction(models.TextChoices):
    KEEP = "keep", _("Hyväksy äänet")
    CONFIRM = "confirm", _("Pyydä äänestäjiä vahvistamaan")
    REMOVE = "remove", _("Poista äänet")


class ClusterKind(models.TextChoices):
    NETWORK = "network", _("Monta uutta tiliä samasta verkosta lyhyessä ajassa")
    NUMBERED = "numbered", _("Numeroituja tai toisiaan muistuttavia osoitteita")
    SAME_LOCAL = "same_local", _("Sama osoitteen alkuosa monessa verkkotunnuksessa")
    SHAPE = "shape", _("Satunnaisia, samanmuotoisia osoitteita")
    DOMAIN_JUMP = "domain_jump", _("Verkkotunnuksen äänet hyppäsivät")
    QUICK = "quick", _("Rekisteröitymisestä ääneen sekunneissa, toistuvasti")
    DEVICE = "device", _("Sama selain monella tilillä")
    NO_PROOF = "no_proof", _("Koodi pyydettiin ilman laskentatehtävää")
