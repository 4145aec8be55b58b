"""Communications staff (Viestintä) decide on flagged votes and edit the year's voting rules."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("voting", "0007_review")]
    operations = [
        group_grant(
            ("voting", "review_votes"),
            ("voting", "add_votingrules"),
            ("voting", "change_votingrules"),
            ("voting", "view_votingrules"),
        )
    ]
