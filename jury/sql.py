"""Raw SQL on the jury's measured hot paths; each fragment has a test that it agrees with its
Python twin (tests/jury/test_statistics.py)."""

import json

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

# A value computed outside SQL, for each row of the nominations table, looked up by id in one
# JSON object bound as a parameter. The ranking page carries the normalised standings
# (jury/statistics.py) into SQL this way so that it can sort by them. Measured at 1,000
# nominations (bench/ranking.py): a CASE with a WHEN per nomination took the 500-row query
# from 0.2 s to 4.5 s, array_position over parallel arrays (a linear scan per row) to 0.6 s;
# a jsonb object's keys are sorted, so each lookup is a binary search and the query stays
# at 0.25 s.
NOMINATION_VALUE_SQL = "(%s::jsonb ->> nominations_nomination.id::text)::float8"


def nomination_value(values_by_id: dict[int, float]) -> RawSQL:
    document = json.dumps({str(pk): value for pk, value in values_by_id.items()})
    # A constant fragment; the values are bound as one parameter, never formatted in.
    return RawSQL(  # noqa: S611 # nosec B611
        NOMINATION_VALUE_SQL, (document,), output_field=FloatField()
    )
