from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Arkisto")

    def ready(self) -> None:
        from core.caching import public_content

        public_content(self.get_model("AwardYear"), self.get_model("Award"))
