"""Communications staff (Viestintä) enter a past year and its awards by hand (the years the
award went on without this site)."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_statements_in_swedish_and_english"),
        ("jury", "0002_groups"),
    ]
    operations = [
        group_grant(
            ("archive", "add_awardyear"),
            ("archive", "add_award"),
        )
    ]
