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

    sheets: dict[tuple[int, int], list[float]] = {}
    for (juror, nomination), raw, standard in zip(
        data[:, :2].astype(int).tolist(), values.tolist(), z.tolist(), strict=True
    ):
        total = sheets.setdefault((juror, nomination), [0.0, 0.0])
        total[0] += raw
        total[1] += standard
    by_nomination: dict[int, list[tuple[float, float]]] = {}
    for (_juror, nomination), (raw, standard) in sheets.items():
        by_nomination.setdefault(nomination, []).append((raw, standard))
    result = {}
    for nomination, totals in by_nomination.items():
        raw = np.array([t[0] for t in totals])
        standard = np.array([t[1] for t in totals])
        result[nomination] = Standing(
            normalised=float(standard.mean()),
            juror_mean=float(raw.mean()),
            juror_median=float(np.median(raw)),
            juror_sd=float(raw.std()),
            jurors=len(totals),
        )
    return result
