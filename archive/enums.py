from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardKind(models.TextChoices):
    """Kinds of recognition, in the order a year's page lists them."""

    WINNER = "winner", _("Voittaja")
    AUDIENCE_FAVOURITE = "audience_favourite", _("Yleisön suosikki")
    HONOURABLE_MENTION = "honourable_mention", _("Kunniakirja")
    FINALIST = "finalist", _("Finalisti")


def kind_heading(kind: str, count: int) -> str:
    """The heading for ``count`` awards of ``kind``: "Voittaja" or "Voittajat"."""
    headings = {
        AwardKind.WINNER: (_("Voittaja"), _("Voittajat")),
        AwardKind.AUDIENCE_FAVOURITE: (_("Yleisön suosikki"), _("Yleisön suosikit")),
        AwardKind.HONOURABLE_MENTION: (_("Kunniakirja"), _("Kunniakirjat")),
        AwardKind.FINALIST: (_("Finalisti"), _("Finalistit")),
    }
    singular, plural = headings[AwardKind(kind)]
    return singular if count == 1 else plural
