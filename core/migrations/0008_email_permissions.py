"""Communications staff (Viestintä) see outgoing e-mail and send failed messages again."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [
        ("hyvakaytanto", "0007_outgoing_email_stored_file_single_line"),
        ("jury", "0002_groups"),
    ]
    operations = [
        group_grant(
            ("hyvakaytanto", "view_outgoingemail"),
            ("hyvakaytanto", "resend_outgoingemail"),
        )
    ]
