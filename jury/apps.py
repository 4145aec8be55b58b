from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.caching import public_content


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Palkintoraati")

    def ready(self) -> None:
        public_content(self.get_model("Finalist"))
