"""Communications staff (Viestintä) enter a past year and its awards by hand (the years the
award went on without this site)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_awardyear", "add_award"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Viestintä")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="archive", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="archive", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name="Viestintä"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_statements_in_swedish_and_english"),
        ("jury", "0002_groups"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
