"""Communications staff (Viestintä) delete a year set up by mistake (only an empty one: the
service refuses any other)."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("jury", "0015_jurors_are_staff"), ("hyvakaytanto", "0017_key_fingerprint")]
    operations = [
        group_grant(
            ("hyvakaytanto", "delete_competition"),
        )
    ]
