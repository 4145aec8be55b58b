from django.conf import settings
from django.core.checks import Tags, Warning, register


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
