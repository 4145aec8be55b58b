from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database, deploy=True)
def embedded_database_in_production(app_configs, **kwargs):
    """The embedded server is for development and tests; production names its database."""
    if getattr(settings, "EMBEDDED_DATABASE", False):
        return [
            Warning(
                "The site runs on the embedded PostgreSQL server under .data/.",
                hint="Set DATABASE_URL to the production PostgreSQL server.",
                id="hyvakaytanto.W001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def demo_accounts_in_production(app_configs, databases=None, **kwargs):
    """Demo accounts (published passwords) must not exist where DEBUG is off."""
    if settings.DEBUG or not databases:
        return []
    from django.contrib.auth import get_user_model

    from hyvakaytanto.backends import DEMO_USERNAME_PREFIX

    try:
        found = get_user_model().objects.filter(username__startswith=DEMO_USERNAME_PREFIX)
        names = sorted(found.values_list("username", flat=True)[:5])
    except DatabaseError:
        return []
    if not names:
        return []
    return [
        Error(
            f"Demo accounts exist with DEBUG off: {', '.join(names)}.",
            hint="Delete them (they cannot sign in while DEBUG is off).",
            id="hyvakaytanto.E001",
        )
    ]
