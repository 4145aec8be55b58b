"""A decision knows whether it covered its whole cluster (until now only such decisions named
their cluster); a cluster's key and label fit any domain."""

from django.db import migrations, models


def whole_where_named(apps, schema_editor):
    apps.get_model("voting", "VoteDecision").objects.filter(cluster__isnull=False).update(
        whole=True
    )


class Migration(migrations.Migration):
    dependencies = [("voting", "0008_viestinta_reviews_votes")]

    operations = [
        migrations.AddField(
            model_name="votedecision",
            name="whole",
            field=models.BooleanField(default=False, verbose_name="koko ryväs"),
        ),
        migrations.RunPython(whole_where_named, migrations.RunPython.noop),
        migrations.AlterField(model_name="votecluster", name="key", field=models.TextField()),
        migrations.AlterField(
            model_name="votecluster",
            name="label",
            field=models.TextField(verbose_name="ryväs"),
        ),
    ]
