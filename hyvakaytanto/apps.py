from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HyvakaytantoConfig(AppConfig):
    name = "hyvakaytanto"
    verbose_name = _("Kilpailu")

    def ready(self) -> None:
        from hyvakaytanto import checks  # noqa: F401  (registers the deploy checks)
