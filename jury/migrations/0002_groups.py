"""The two staff roles as groups, with only the permissions each needs.

Raati (jurors): the scoring list and screen, their panel, and finalists (statements are
editable only by the chair; the services check the role). Jurors get no permission on
nominations or scores as such: they reach nominations only through their panel.
Viestintä (communications staff): set up years, read nominations and rule them ineligible,
seat jurors, publish finalists, see every score and the ranking.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Raati": [
        ("jury", "view_scoringnomination"),
        ("jury", "view_rankingentry"),
        ("jury", "view_jurymember"),
        ("jury", "view_finalist"),
        ("jury", "change_finalist"),
    ],
    "Viestintä": [
        ("hyvakaytanto", "view_competition"),
        ("hyvakaytanto", "add_competition"),
        ("hyvakaytanto", "change_competition"),
        ("hyvakaytanto", "view_criterion"),
        ("hyvakaytanto", "change_criterion"),
        ("nominations", "view_nomination"),
        ("nominations", "change_nomination"),
        ("jury", "view_jurymember"),
        ("jury", "add_jurymember"),
        ("jury", "change_jurymember"),
        ("jury", "delete_jurymember"),
        ("jury", "view_finalist"),
        ("jury", "publish_finalists"),
        ("jury", "view_ranking"),
        ("jury", "view_rankingentry"),
        ("jury", "view_score"),
        ("jury", "view_conflictofinterest"),
        ("archive", "view_awardyear"),
        ("archive", "change_awardyear"),
        ("archive", "view_award"),
        ("archive", "change_award"),
        ("auth", "view_user"),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0001_initial"),
        ("archive", "0002_historical_record"),
        ("hyvakaytanto", "0003_ratelimitcounter"),
        ("nominations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
