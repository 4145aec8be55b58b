from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.caching import public_content


class CoreConfig(AppConfig):
    """The shared core under every app: the competition year, criteria, site identity, the mail
    queue, audit, rate limits and storage. Its label stays ``hyvakaytanto``, the name it had
    when it shared a package with the project, so its tables, migrations, permissions and
    content types keep their names."""

    name = "core"
    label = "hyvakaytanto"
    verbose_name = _("Kilpailu")

    def ready(self) -> None:
        # Lazy: these modules import models, which exist only once the app registry is ready.
        from core import checks, signals  # noqa: F401  (registers checks and receivers)
        from core.storage import connect_file_owners

        connect_file_owners()
        public_content(
            self.get_model("Competition"),
            self.get_model("Criterion"),
            self.get_model("SiteSettings"),
        )
