"""Communications staff (Viestintä) read the audit log and answer contact persons' requests
to see or erase their data."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0002_groups"),
        ("hyvakaytanto", "0005_audit_and_sessions"),
        ("nominations", "0002_contact_erasure"),
    ]
    operations = [
        group_grant(
            ("hyvakaytanto", "view_auditevent"),
            ("nominations", "handle_data_requests"),
        )
    ]
