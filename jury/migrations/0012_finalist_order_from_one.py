"""The finalists' order counts from 1, as the chair reads it: a year whose list began at 0
moves up by one."""

from django.db import migrations
from django.db.models import F


def count_from_one(apps, schema_editor):
    Finalist = apps.get_model("jury", "Finalist")
    years = (
        Finalist.objects.filter(order=0)
        .values_list("nomination__competition_id", flat=True)
        .distinct()
    )
    Finalist.objects.filter(nomination__competition_id__in=list(years)).update(order=F("order") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0011_viestinta_adds_pictures"),
    ]

    operations = [migrations.RunPython(count_from_one, migrations.RunPython.noop)]
