"""Rate-limit counters need no crash safety: keep them out of the write-ahead log."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hyvakaytanto", "0005_audit_and_sessions")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE hyvakaytanto_ratelimitcounter SET UNLOGGED",
            reverse_sql="ALTER TABLE hyvakaytanto_ratelimitcounter SET LOGGED",
        )
    ]
