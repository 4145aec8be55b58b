"""The jury's scores as statistics: totals normalised for each juror's own scale.

Jurors differ in strictness: one gives 3 where another gives 4. A plain mean of raw scores
is fair only when every juror scores every nomination; a recusal, or a juror who did not
finish, moves a nomination's mean for no reason of its own. Each juror's scores are
therefore standardised within the year (z-scores: the juror's own mean subtracted, divided
by the juror's own standard deviation) before they are combined.

Per juror, not per juror and criterion: a juror scores each criterion only once per
nomination, so a year of 10–30 nominations gives too few scores per (juror, criterion) for a
stable mean and spread, and standardising each criterion separately would also erase a real
judgement ("this year's practices are weakly evaluated"). The juror's scale is one habit
across criteria; it is that habit the normalisation removes.

numpy rather than SQL window functions: the computation reads as the formula it is, and a
year of 1,000 nominations × 15 jurors × 4 criteria takes milliseconds (bench/ranking.py).
"""

from dataclasses import dataclass

import numpy as np

from jury.models import Score
from nominations.enums import NominationState


@dataclass(frozen=True)
class Standing:
    """One nomination's place in the scores: its normalised total (the mean over its jurors of
    each juror's standardised sheet total) and the spread of its jurors' raw totals."""

    normalised: float
    juror_mean: float
    juror_median: float
    juror_sd: float
    jurors: int


def standings(competition_id: int) -> dict[int, Standing]:
    """Per nomination id (submitted nominations with at least one full sheet), its Standing.
    One query."""
    rows = list(
        Score.objects.filter(
            juror__competition_id=competition_id,
            nomination__state=NominationState.SUBMITTED,
        ).values_list("juror_id", "nomination_id", "value")
    )
    if not rows:
        return {}
    data = np.array(rows, dtype=float)
    _, juror_index = np.unique(data[:, 0], return_inverse=True)
    values = data[:, 2]
    counts = np.bincount(juror_index)
    means = np.bincount(juror_index, weights=values) / counts
    squares = np.bincount(juror_index, weights=(values - means[juror_index]) ** 2) / counts
    spreads = np.sqrt(squares)
    # A juror who gave every score the same carries no ranking information: z = 0.
    safe = np.where(spreads > 0, spreads, 1.0)
    z = np.where(spreads[juror_index] > 0, (values - means[juror_index]) / safe[juror_index], 0.0)

    # Each juror's sheet for a nomination: its raw total and its standardised total.
    sheet_keys, sheet_index = np.unique(data[:, :2], axis=0, return_inverse=True)
    raw_totals = np.bincount(sheet_index, weights=values)
    z_totals = np.bincount(sheet_index, weights=z)
    # Then per nomination, over its jurors' sheets.
    nominations, group = np.unique(sheet_keys[:, 1], return_inverse=True)
    jurors = np.bincount(group)
    normalised = np.bincount(group, weights=z_totals) / jurors
    juror_mean = np.bincount(group, weights=raw_totals) / jurors
    juror_sd = np.sqrt(np.bincount(group, weights=(raw_totals - juror_mean[group]) ** 2) / jurors)
    order = np.lexsort((raw_totals, group))  # each nomination's totals together, ascending
    starts = np.concatenate(([0], np.cumsum(jurors)[:-1]))
    ordered = raw_totals[order]
    juror_median = (ordered[starts + (jurors - 1) // 2] + ordered[starts + jurors // 2]) / 2
    result = {
        int(nomination): Standing(
            normalised=float(normalised[n]),
            juror_mean=float(juror_mean[n]),
            juror_median=float(juror_median[n]),
            juror_sd=float(juror_sd[n]),
            jurors=int(jurors[n]),
        )
        for n, nomination in enumerate(nominations)
    }
    return result
