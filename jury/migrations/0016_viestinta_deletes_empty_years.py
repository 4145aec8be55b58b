"""Communications staff (Viestintä) delete a year set up by mistake (only an empty one: the
service refuses any other)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["delete_competition"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("hyvakaytanto")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Viestintä")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="hyvakaytanto", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="hyvakaytanto", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name="Viestintä"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("jury", "0015_jurors_are_staff"), ("hyvakaytanto", "0017_key_fingerprint")]
    operations = [migrations.RunPython(grant, revoke)]
