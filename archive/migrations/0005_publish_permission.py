"""Communications staff (Viestintä) publish results and print certificates."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_resultspublication_alter_awardyear_options"),
        ("jury", "0002_groups"),
    ]
    operations = [
        group_grant(
            ("archive", "publish_results"),
            ("archive", "view_resultspublication"),
        )
    ]
