from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ProjectConfig(AppConfig):
    """The project's composition, above every app: settings, URLs, the admin site and its
    Finnish texts, the front page, the staff home, the demo and the site-wide schedule. It
    has no models; it is an app for its templates, template tags, commands and tasks."""

    default = True
    name = "hyvakaytanto"
    label = "project"
    verbose_name = _("Sivusto")


class SecureAdminConfig(admin_apps.AdminConfig):
    """The admin, on a site that also requires a second factor (TOTP) for everyone in it."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "hyvakaytanto.admin_site.SecureAdminSite"
