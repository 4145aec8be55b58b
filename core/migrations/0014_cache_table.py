"""The database cache's table (CACHES: sign-in rate limits, the site's identity), made by
`migrate` itself: a set-up that forgets `createcachetable` must not answer voters with 500."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("hyvakaytanto", "0013_viestinta_sets_identity")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
