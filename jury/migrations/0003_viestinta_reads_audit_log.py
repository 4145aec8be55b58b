"""Communications staff (Viestintä) read the audit log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("hyvakaytanto")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Viestintä")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="hyvakaytanto", codename="view_auditevent")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="hyvakaytanto", codename="view_auditevent"
    )
    for group in Group.objects.filter(name="Viestintä"):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):
    dependencies = [("jury", "0002_groups"), ("hyvakaytanto", "0005_audit_and_sessions")]
    operations = [migrations.RunPython(grant, revoke)]
