"""Communications staff (Viestintä) set the site's name, colour, logo and icon."""

from django.db import migrations

from core.grants import group_grant


class Migration(migrations.Migration):
    dependencies = [("hyvakaytanto", "0012_site_settings")]
    operations = [
        group_grant(
            ("hyvakaytanto", "view_sitesettings"),
            ("hyvakaytanto", "change_sitesettings"),
        )
    ]
