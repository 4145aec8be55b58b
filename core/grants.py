"""The migration step that gives a staff group some permissions (and takes them back when
the migration is reversed): the apps' data migrations for the Viestintä group use it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMUNICATIONS = "Viestintä"


def group_grant(*permissions: tuple[str, str], group: str = COMMUNICATIONS) -> migrations.RunPython:
    """A RunPython that adds ``permissions`` ((app label, codename) pairs) to ``group``,
    making the group if needed. Their apps' permissions are made first: in a fresh database
    Django makes them only after every migration has run."""

    def _permissions(apps):
        Permission = apps.get_model("auth", "Permission")
        return [
            Permission.objects.get(content_type__app_label=label, codename=codename)
            for label, codename in permissions
        ]

    def grant(apps, schema_editor):
        for label in sorted({label for label, _codename in permissions}):
            app_config = apps.get_app_config(label)
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        members, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group)
        members.permissions.add(*_permissions(apps))

    def revoke(apps, schema_editor):
        for members in apps.get_model("auth", "Group").objects.filter(name=group):
            members.permissions.remove(*_permissions(apps))

    return migrations.RunPython(grant, revoke)
