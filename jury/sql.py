"""Raw SQL on the jury's measured hot paths; each fragment has a test that it agrees with its
Python twin (tests/jury/test_statistics.py)."""

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

# A value computed outside SQL, for each row of the nominations table, looked up by id in two
# parallel arrays. The ranking page carries the normalised standings (jury/statistics.py)
# into SQL this way so that it can sort by them: a CASE with a WHEN per nomination took the
# 500-row page from 0.4 s to 4.5 s at 1,000 nominations (bench/ranking.py); this takes it back.
NOMINATION_VALUE_SQL = "(%s::float8[])[array_position(%s::bigint[], nominations_nomination.id)]"


def nomination_value(values_by_id: dict[int, float]) -> RawSQL:
    ids = list(values_by_id)
    # A constant fragment; the ids and values are bound as parameters, never formatted in.
    return RawSQL(  # noqa: S611 # nosec B611
        NOMINATION_VALUE_SQL, ([values_by_id[i] for i in ids], ids), output_field=FloatField()
    )
