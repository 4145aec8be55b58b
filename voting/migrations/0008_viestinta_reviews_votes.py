"""Communications staff (Viestintä) decide on flagged votes and edit the year's voting rules."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("voting", "review_votes"),
    ("voting", "add_votingrules"),
    ("voting", "change_votingrules"),
    ("voting", "view_votingrules"),
]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("voting")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Viestintä")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Viestintä"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("voting", "0007_review")]
    operations = [migrations.RunPython(grant, revoke)]
