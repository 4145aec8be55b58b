"""Communications staff (Viestintä) read the audit log and answer contact persons' requests
to see or erase their data."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [("hyvakaytanto", "view_auditevent"), ("nominations", "handle_data_requests")]


def grant(apps, schema_editor):
    for app_label in {app_label for app_label, _codename in PERMISSIONS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Viestintä")
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Viestintä"):
        for app_label, codename in PERMISSIONS:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0002_groups"),
        ("hyvakaytanto", "0005_audit_and_sessions"),
        ("nominations", "0002_contact_erasure"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
