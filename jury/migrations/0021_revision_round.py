"""The revision round after the jury's meeting, and each revised score with its reason."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hyvakaytanto', '0023_revision_round'),
        ('jury', '0020_meeting_agenda'),
    ]

    operations = [
        migrations.CreateModel(
            name='RevisionRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='avattu')),
                ('closes_at', models.DateTimeField(verbose_name='päättyy')),
                ('competition', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='revision_round', to='hyvakaytanto.competition', verbose_name='kilpailuvuosi')),
            ],
            options={
                'verbose_name': 'tarkistuskierros',
                'verbose_name_plural': 'tarkistuskierrokset',
            },
        ),
        migrations.CreateModel(
            name='ScoreRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('before', models.PositiveSmallIntegerField(verbose_name='ennen')),
                ('after', models.PositiveSmallIntegerField(verbose_name='jälkeen')),
                ('reason', models.TextField(max_length=2000, verbose_name='perustelu')),
                ('revised_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='muutettu')),
                ('score', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='jury.score', verbose_name='pisteytys')),
            ],
            options={
                'verbose_name': 'pisteiden tarkistus',
                'verbose_name_plural': 'pisteiden tarkistukset',
                'ordering': ['revised_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='jury_revision_has_reason')],
            },
        ),
    ]
