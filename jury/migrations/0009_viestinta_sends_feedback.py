"""Communications staff (Viestintä) send the jury's feedback to nominees after the results."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("jury", "0008_feedback_to_nominees")]
    operations = [
        group_grant(
            ("jury", "send_feedback"),
            ("jury", "view_feedbackround"),
        )
    ]
