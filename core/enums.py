from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """Where a competition year stands; derived from its timeline, never stored."""

    DRAFT = "draft", _("Valmistelussa")
    NOMINATION = "nomination", _("Ehdotusaika")
    REVIEW = "review", _("Raati arvioi")
    VOTING = "voting", _("Yleisöäänestys")
    DELIBERATION = "deliberation", _("Raati valitsee voittajan")
    PUBLISHED = "published", _("Tulokset julkistettu")
