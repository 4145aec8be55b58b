"""Communications staff (Viestintä) see the tally and the integrity report once voting closes."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial"), ("jury", "0002_groups")]
    operations = [
        group_grant(
            ("voting", "view_tally"),
        )
    ]
