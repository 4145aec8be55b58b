"""Communications staff (Viestintä) add a picture to a finalist."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("jury", "0010_finalist_picture")]
    operations = [
        group_grant(
            ("jury", "set_finalist_picture"),
        )
    ]
