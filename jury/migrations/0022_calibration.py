"""Calibration before scoring: the chair's example texts with reference scores, and the
jurors' scores for them."""

import core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hyvakaytanto', '0023_revision_round'),
        ('jury', '0021_revision_round'),
    ]

    operations = [
        migrations.CreateModel(
            name='CalibrationText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, validators=[core.validators.SingleLineValidator()], verbose_name='otsikko')),
                ('text', models.TextField(max_length=10000, verbose_name='teksti')),
                ('reference', models.JSONField(default=dict, verbose_name='puheenjohtajan viitepisteet')),
                ('competition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calibration_texts', to='hyvakaytanto.competition', verbose_name='kilpailuvuosi')),
            ],
            options={
                'verbose_name': 'kalibrointiteksti',
                'verbose_name_plural': 'kalibrointitekstit',
                'ordering': ['competition', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='CalibrationScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('criterion_number', models.PositiveSmallIntegerField()),
                ('value', models.PositiveSmallIntegerField(verbose_name='pisteet')),
                ('juror', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calibration_scores', to='jury.jurymember')),
                ('text', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='jury.calibrationtext')),
            ],
            options={
                'verbose_name': 'kalibrointipisteet',
                'verbose_name_plural': 'kalibrointipisteet',
                'constraints': [models.UniqueConstraint(fields=('juror', 'text', 'criterion_number'), name='jury_calibration_one_per_criterion'), models.CheckConstraint(condition=models.Q(('value__gte', 1), ('value__lte', 5)), name='jury_calibration_value_in_range')],
            },
        ),
    ]
