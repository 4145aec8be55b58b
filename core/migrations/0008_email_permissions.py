"""Communications staff (Viestintä) see outgoing e-mail and send failed messages again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_outgoingemail", "resend_outgoingemail"]


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
    dependencies = [
        ("hyvakaytanto", "0007_outgoing_email_stored_file_single_line"),
        ("jury", "0002_groups"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
