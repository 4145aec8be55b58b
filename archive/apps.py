from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.caching import public_content


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Arkisto")

    def ready(self) -> None:
        public_content(self.get_model("AwardYear"), self.get_model("Award"))
