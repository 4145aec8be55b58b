from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.caching import public_content


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Ehdotukset")

    def ready(self) -> None:
        # A finalist's page shows its nomination's texts.
        public_content(self.get_model("Nomination"), self.get_model("CriterionAnswer"))
