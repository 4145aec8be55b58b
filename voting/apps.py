from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Yleisöäänestys")

    def ready(self) -> None:
        # Lazy: the receivers import models, which exist only once the app registry is ready.
        from voting import signals  # noqa: F401  (registers the receivers)
