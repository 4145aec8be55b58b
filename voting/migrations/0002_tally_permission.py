"""Communications staff (Viestintä) see the tally and the integrity report once voting closes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("voting")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Viestintä")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="voting", codename="view_tally")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="voting", codename="view_tally")
    for group in Group.objects.filter(name="Viestintä"):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial"), ("jury", "0002_groups")]
    operations = [migrations.RunPython(grant, revoke)]
