from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from core.backends import DEMO_USERNAME_PREFIX
from core.deployment import key_fingerprint_mismatch
from core.storage import orphaned_files


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


@register(Tags.database)
def orphaned_stored_files(app_configs, databases=None, **kwargs):
    """Stored files that no row names go into every backup for nothing (and may hold a
    person's data past its time)."""
    if not databases:
        return []
    try:
        orphans = orphaned_files()
        count = orphans.count()
        names = list(orphans.order_by("name").values_list("name", flat=True)[:3])
    except DatabaseError:
        return []
    if not count:
        return []
    return [
        Warning(
            f"{count} stored files belong to no row, for example {', '.join(names)}.",
            hint="Delete them with: python manage.py delete_orphaned_files",
            id="hyvakaytanto.W002",
        )
    ]


@register(deploy=True)
def same_secret_key_as_the_other_nodes(app_configs, **kwargs):
    """Every node must sign with the key the others use (``core.deployment``). Read
    even without ``--database``: a node with the wrong key must not pass ``check --deploy``."""
    mismatch = key_fingerprint_mismatch()
    if mismatch is None:
        return []
    recorded, ours = mismatch
    return [
        Error(
            f"This node's SECRET_KEY is not the one the deployment uses (fingerprint {ours}; "
            f"the database has {recorded}). Its visitors' sessions, signed links and receipt "
            "codes will not be recognised by the other nodes.",
            hint=(
                "Give this node the SECRET_KEY of the other nodes. If the key was changed on "
                "purpose, put the old key in SECRET_KEY_FALLBACKS on every node and run "
                "`manage.py migrate` with the new one to record it."
            ),
            id="hyvakaytanto.E002",
        )
    ]
