from django.db import models
from django.utils.translation import gettext_lazy as _


class JuryRole(models.TextChoices):
    MEMBER = "member", _("Jäsen")
    CHAIR = "chair", _("Puheenjohtaja")


class Recognition(models.TextChoices):
    """The jury's decision on a finalist after the public vote."""

    NONE = "", _("Ei päätöstä")
    WINNER = "winner", _("Voittaja")
    HONOURABLE_MENTION = "honourable_mention", _("Kunniakirja")


class ShortlistRule(models.TextChoices):
    """The rules of the shortlist; the chair may depart from one only by confirming it."""

    OVER_COUNT = "over_count", _("Vuoden finalistimäärä ylittyy")
    UNSCORED = "unscored", _("Kaikki arvioijat eivät ole pisteyttäneet")
    CONFLICTED = "conflicted", _("Arvioija on esteellinen")


SCORE_MIN = 1
SCORE_MAX = 5
SCORE_LABELS = {
    1: _("1 – ei täytä kriteeriä"),
    2: _("2 – täyttää heikosti"),
    3: _("3 – täyttää kohtalaisesti"),
    4: _("4 – täyttää hyvin"),
    5: _("5 – täyttää erinomaisesti"),
}
# Jurors disagree on a criterion when their scores differ by this much or more.
DISAGREEMENT = 3


class InvitationRole(models.TextChoices):
    """What an invitation makes its invitee: a seat on a year's panel, or communications staff."""

    JUROR = "juror", _("Raadin jäsen")
    CHAIR = "chair", _("Raadin puheenjohtaja")
    STAFF = "staff", _("Viestintä (henkilökunta)")


# The groups that give each role its permissions (jury/migrations/0002_groups.py).
ROLE_GROUPS = {
    InvitationRole.JUROR: "Raati",
    InvitationRole.CHAIR: "Raati",
    InvitationRole.STAFF: "Viestintä",
}
ROLE_SEATS = {InvitationRole.JUROR: JuryRole.MEMBER, InvitationRole.CHAIR: JuryRole.CHAIR}
