"""A published year says whether its vote was reviewed before publishing."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0008_viestinta_enters_past_years'),
    ]

    operations = [
        migrations.AddField(
            model_name='awardyear',
            name='votes_reviewed',
            field=models.BooleanField(default=False, verbose_name='äänestys tarkastettu'),
        ),
    ]
