"""The jury meeting's agenda: an item a nomination, in the chair's order, with a note."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hyvakaytanto', '0022_meeting_agenda'),
        ('jury', '0019_invitation_made_the_account'),
        ('nominations', '0006_draft_save_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAgendaItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='järjestys')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='miksi asialistalla')),
                ('added_by_chair', models.BooleanField(default=False, verbose_name='puheenjohtajan lisäämä')),
                ('note', models.TextField(blank=True, max_length=4000, verbose_name='muistiinpano')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('competition', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='hyvakaytanto.competition', verbose_name='kilpailuvuosi')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('nomination', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='nominations.nomination', verbose_name='ehdotus')),
            ],
            options={
                'verbose_name': 'historical asialistan kohta',
                'verbose_name_plural': 'historical raadin kokous',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='järjestys')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='miksi asialistalla')),
                ('added_by_chair', models.BooleanField(default=False, verbose_name='puheenjohtajan lisäämä')),
                ('note', models.TextField(blank=True, max_length=4000, verbose_name='muistiinpano')),
                ('competition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda', to='hyvakaytanto.competition', verbose_name='kilpailuvuosi')),
                ('nomination', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='nominations.nomination', verbose_name='ehdotus')),
            ],
            options={
                'verbose_name': 'asialistan kohta',
                'verbose_name_plural': 'raadin kokous',
                'ordering': ['competition', 'position'],
                'constraints': [models.UniqueConstraint(fields=('competition', 'nomination'), name='jury_agenda_one_item_a_nomination')],
            },
        ),
    ]
