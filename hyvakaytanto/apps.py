from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class HyvakaytantoConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "hyvakaytanto"
    verbose_name = _("Kilpailu")

    def ready(self) -> None:
        from hyvakaytanto import checks, signals  # noqa: F401  (registers checks and receivers)
        from hyvakaytanto.caching import public_content
        from hyvakaytanto.storage import connect_file_owners

        connect_file_owners()
        public_content(
            self.get_model("Competition"),
            self.get_model("Criterion"),
            self.get_model("SiteSettings"),
        )


class SecureAdminConfig(admin_apps.AdminConfig):
    """The admin, on a site that also requires a second factor (TOTP) for everyone in it."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "hyvakaytanto.admin_site.SecureAdminSite"
