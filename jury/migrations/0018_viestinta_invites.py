"""Communications staff (Viestintä) invite jurors, the chair and colleagues, and switch off
the accounts of staff and jurors (the accounts screen lets them change nothing else)."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("jury", "0017_invitations")]
    operations = [
        group_grant(
            ("jury", "add_invitation"),
            ("jury", "view_invitation"),
            ("jury", "change_invitation"),
            ("auth", "change_user"),
        )
    ]
