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

import math
from dataclasses import dataclass

import krippendorff
import numpy as np
from django.db.models import OuterRef, Subquery

from jury.models import CalibrationScore, Score, ScoreRevision
from jury.queries import seat_positions
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


@dataclass(frozen=True)
class PositionCheck:
    """Whether a juror's scores drift with the position in which they met the nominations.

    ``correlation`` is Spearman's rank correlation between the position in the juror's own
    order and how far the juror's sheet total lies above the rest of the panel's mean total
    for the same nomination (so that a nomination's own quality does not count); negative when
    the juror scores lower the further they get. ``drifts`` when it is unlikely by chance: a
    two-sided p below 0.05 divided by the number of jurors checked (Bonferroni), so that a
    panel of fifteen does not flag someone by chance every other year."""

    correlation: float | None  # None: fewer than MIN_POSITIONS nominations to compare
    nominations: int
    drifts: bool


# Below this a rank correlation says nothing a chair should act on.
MIN_POSITIONS = 8


@dataclass(frozen=True)
class SplitHalf:
    """How stable the panel's top N is against the panel itself: over ``splits`` random
    divisions of the jurors into two halves (one juror left out of an odd panel), the share
    in which both halves pick the same top N by mean sheet total, and the mean share of the
    top N they have in common. Comparable to split-panel experiments: two halves of the ESO
    telescope-time panels agreed on their top quarter 55 ± 5 % of the time; the NeurIPS 2014
    committees disagreed on 25.9 % of their accepted papers (a mean overlap of 74 %)."""

    splits: int
    same_top: float
    mean_overlap: float


# A split needs two jurors in each half for a half's mean to be more than one person's view.
MIN_SPLIT_JURORS = 4


@dataclass(frozen=True)
class Reliability:
    """How sure the jury can be of its own ranking (see ``reliability``)."""

    alpha_by_criterion: dict  # criterion number → Krippendorff's alpha (interval), or None
    alpha_overall: float | None
    leniency: dict  # juror id → mean offset of their scores from the panel's, per score
    agreement: dict  # juror id → correlation of their totals with the others' mean, or None
    positions: dict  # juror id → PositionCheck
    top_probability: dict  # nomination id → share of resamples in which it is in the top N
    leader_probability: float  # the current leader's share of resamples in which it is first
    boundary_uncertain: bool  # the shortlist's boundary lies within the noise
    # The N-th and the (N+1)-th cannot be told apart: the (N+1)-th ranks above the N-th in at
    # least LINE_TIE_SHARE of the resamples. None when there is no (N+1)-th.
    line_unclear: bool | None = None
    line_swaps: float = 0.0  # that share
    split_half: SplitHalf | None = None  # None for a panel smaller than MIN_SPLIT_JURORS


# Below this share of resamples in which the first outside the top N outranks the last inside
# it, the two are told apart (a one-sided 5 % level, as a bootstrap test of their order).
LINE_TIE_SHARE = 0.05


def _pearson(x, y) -> float | None:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _ranks(values):
    """Average ranks (ties share the mean of their places), as Spearman's correlation needs."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return (np.bincount(inverse, weights=ranks) / counts)[inverse]


def _column_means(matrix, empty=np.nan):
    """Each column's mean over its filled (not NaN) cells, ``empty`` where none is filled."""
    counted = np.sum(~np.isnan(matrix), axis=0)
    return np.where(counted > 0, np.nansum(matrix, axis=0) / np.maximum(counted, 1), empty)


def _position_checks(positions: dict, jurors, nominations, offsets) -> dict:
    """Each juror's PositionCheck (see its docstring). ``offsets`` is jurors × nominations:
    each sheet total minus the rest of the panel's mean for the nomination."""
    checked = {}
    for i, juror in enumerate(jurors):
        order = positions.get(int(juror), {})
        keep = ~np.isnan(offsets[i]) & np.array([int(n) in order for n in nominations])
        if keep.sum() < MIN_POSITIONS:
            checked[int(juror)] = (None, int(keep.sum()))
            continue
        place = np.array([order[int(n)] for n in nominations[keep]], dtype=float)
        rho = _pearson(_ranks(place), _ranks(offsets[i][keep]))
        checked[int(juror)] = (rho, int(keep.sum()))
    tests = sum(1 for rho, _ in checked.values() if rho is not None) or 1
    result = {}
    for juror, (rho, count) in checked.items():
        drifts = False
        if rho is not None:
            # Under no drift, rho·√(n−1) is close to standard normal.
            p = math.erfc(abs(rho) * math.sqrt(count - 1) / math.sqrt(2))
            drifts = p < 0.05 / tests
        result[juror] = PositionCheck(correlation=rho, nominations=count, drifts=drifts)
    return result


def _split_half(totals, *, top: int, splits: int, rng) -> SplitHalf | None:
    """See SplitHalf. ``totals`` is jurors × nominations (NaN where no full sheet). All the
    splits at once: each half's mean totals are a product of its membership matrix with the
    panel's totals."""
    jurors, count = totals.shape
    if jurors < MIN_SPLIT_JURORS or top < 1 or count <= top:
        return None
    half = jurors // 2
    order = np.argsort(rng.random((splits, jurors)), axis=1)  # a random permutation a row
    filled = ~np.isnan(totals)
    values = np.where(filled, totals, 0.0)
    picks = []
    for members in (order[:, :half], order[:, half : 2 * half]):
        membership = np.zeros((splits, jurors))
        np.put_along_axis(membership, members, 1.0, axis=1)
        counted = membership @ filled
        means = np.where(counted > 0, (membership @ values) / np.maximum(counted, 1), -np.inf)
        # Equal means in random order: a tie is a tie, not a win for the older row.
        means = means + rng.random(means.shape) * 1e-9
        chosen = np.zeros((splits, count), dtype=bool)
        np.put_along_axis(chosen, np.argpartition(-means, top - 1, axis=1)[:, :top], True, 1)
        picks.append(chosen)
    shared = np.sum(picks[0] & picks[1], axis=1)
    return SplitHalf(
        splits=splits,
        same_top=float(np.mean(shared == top)),
        mean_overlap=float(np.mean(shared / top)),
    )


def reliability(
    competition_id: int, *, top_n: int = 4, resamples: int = 1000, seed: int = 0
) -> Reliability:
    """Krippendorff's alpha per criterion and overall, each juror's leniency, agreement with
    the others and position check, and a bootstrap over jurors: resampling the panel with
    replacement ``resamples`` times, how often each nomination stays in the top ``top_n`` by
    mean sheet total, how often the leader stays first, and whether the last inside the top
    N and the first outside it can be told apart; then the split-half agreement over as many
    random halves of the panel. Reproducible with ``seed``. Three queries."""
    rows = list(
        Score.objects.filter(
            juror__competition_id=competition_id,
            nomination__state=NominationState.SUBMITTED,
        ).values_list("juror_id", "nomination_id", "criterion__number", "value")
    )
    if not rows:
        return Reliability({}, None, {}, {}, {}, {}, 0.0, False)
    data = np.array(rows, dtype=float)
    jurors, j = np.unique(data[:, 0], return_inverse=True)
    nominations, n = np.unique(data[:, 1], return_inverse=True)
    criteria, c = np.unique(data[:, 2], return_inverse=True)
    cube = np.full((len(jurors), len(nominations), len(criteria)), np.nan)
    cube[j, n, c] = data[:, 3]

    def alpha(matrix) -> float | None:
        # Alpha needs at least two rated units with two values each, and two different
        # values in all (a panel that gave every nomination the same score has no spread
        # to agree on).
        if np.sum(np.sum(~np.isnan(matrix), axis=0) >= 2) < 2:
            return None
        if len(np.unique(matrix[~np.isnan(matrix)])) < 2:
            return None
        return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval"))

    by_criterion = {int(number): alpha(cube[:, :, k]) for k, number in enumerate(criteria)}
    overall = alpha(cube.reshape(len(jurors), -1))

    panel_mean = np.nanmean(cube, axis=0)  # nominations × criteria
    leniency = {
        int(juror): float(np.nanmean(cube[i] - panel_mean)) for i, juror in enumerate(jurors)
    }

    totals = np.sum(cube, axis=2)  # a sheet's total, NaN where the sheet is incomplete
    others_mean = np.array(
        [_column_means(np.delete(totals, i, axis=0)) for i in range(len(jurors))]
    )
    agreement = {}
    for i, juror in enumerate(jurors):
        both = ~np.isnan(totals[i]) & ~np.isnan(others_mean[i])
        agreement[int(juror)] = _pearson(totals[i][both], others_mean[i][both])
    positions = _position_checks(
        seat_positions(competition_id), jurors, nominations, totals - others_mean
    )

    current = _column_means(totals)
    order = np.argsort(-np.nan_to_num(current, nan=-np.inf), kind="stable")
    top = min(top_n, len(nominations))
    leader = order[0]
    rng = np.random.default_rng(seed)
    in_top = np.zeros(len(nominations))
    leader_first = 0
    # The last inside the top N and the first outside it, as the panel ranks them now.
    last_in, first_out = (order[top - 1], order[top]) if len(order) > top >= 1 else (None, None)
    swaps = 0
    for _ in range(resamples):
        sample = totals[rng.integers(0, len(jurors), len(jurors))]
        means = _column_means(sample, empty=-np.inf)
        # Equal means are put in random order: a tie is a tie, not a win for the older row.
        ranked = np.lexsort((rng.random(len(means)), -means))
        in_top[ranked[:top]] += 1
        leader_first += ranked[0] == leader
        if first_out is not None:
            swaps += means[first_out] >= means[last_in]
    share = in_top / resamples
    probabilities = {int(nominations[i]): float(share[i]) for i in range(len(nominations))}
    inside, outside = order[:top], order[top:]
    uncertain = bool(np.any(share[inside] < 0.8) or (len(outside) and np.any(share[outside] > 0.2)))
    return Reliability(
        alpha_by_criterion=by_criterion,
        alpha_overall=overall,
        leniency=leniency,
        agreement=agreement,
        positions=positions,
        top_probability=probabilities,
        leader_probability=leader_first / resamples,
        boundary_uncertain=uncertain,
        line_unclear=None if first_out is None else bool(swaps / resamples >= LINE_TIE_SHARE),
        line_swaps=float(swaps / resamples),
        split_half=_split_half(totals, top=top, splits=resamples, rng=rng),
    )


# --- The meeting's agenda ----------------------------------------------------------------

# A nomination is near the line when its chance of staying in the top N is within these.
NEAR_LINE = (0.2, 0.8)
# On a 1–5 scale: jurors this many points apart on one criterion disagree widely, and one
# juror this far from the mean of the others, who agree within a point, is an outlier.
WIDE_DISAGREEMENT = 3
OUTLIER_POINTS = 2


@dataclass(frozen=True)
class AgendaCandidate:
    nomination_id: int
    reasons: tuple[str, ...]  # in Finnish, for the agenda


def agenda_candidates(competition_id: int, report: Reliability) -> list[AgendaCandidate]:
    """The nominations a meeting should discuss, in the order to discuss them: those near the
    line (their chance of staying in the top N, ``report``, between 20 and 80 %; the closest
    to a coin toss first), then those with the widest disagreement on a criterion, then those
    where one juror's score is an outlier. Each nomination once, with all its reasons. Jurors
    stay anonymous. One query."""
    rows = list(
        Score.objects.filter(
            juror__competition_id=competition_id,
            nomination__state=NominationState.SUBMITTED,
        ).values_list("nomination_id", "criterion__number", "value")
    )
    by_cell: dict[tuple[int, int], list[int]] = {}
    for nomination, criterion, value in rows:
        by_cell.setdefault((nomination, criterion), []).append(value)
    reasons: dict[int, list[str]] = {}
    rank: dict[int, tuple] = {}

    low, high = NEAR_LINE
    for nomination, share in report.top_probability.items():
        if low <= share <= high:
            reasons.setdefault(nomination, []).append(
                "Finalistirajalla: kärkeen pääsy riippuu raadin kokoonpanosta"
            )
            rank[nomination] = (0, abs(share - 0.5))
    widest: dict[int, tuple[int, int]] = {}
    outliers: dict[int, list[str]] = {}
    for (nomination, criterion), values in sorted(by_cell.items()):
        if len(values) >= 2:
            spread = max(values) - min(values)
            if spread >= WIDE_DISAGREEMENT and spread > widest.get(nomination, (0, 0))[0]:
                widest[nomination] = (spread, criterion)
        if len(values) >= 3:
            for i, value in enumerate(values):
                others = values[:i] + values[i + 1 :]
                gap = abs(value - sum(others) / len(others))
                if max(others) - min(others) <= 1 and gap >= OUTLIER_POINTS:
                    outliers.setdefault(nomination, []).append(
                        f"Poikkeava arvio: K{criterion}, yksi arvioija "
                        + f"{gap:.1f}".replace(".", ",")
                        + " pistettä muista"
                    )
                    break
    for nomination, (spread, criterion) in widest.items():
        reasons.setdefault(nomination, []).append(
            f"Erimielisyys: K{criterion}, pisteet {spread} pisteen päässä toisistaan"
        )
        rank.setdefault(nomination, (1, -spread))
    for nomination, lines in outliers.items():
        reasons.setdefault(nomination, []).extend(lines)
        rank.setdefault(nomination, (2, 0))
    return [
        AgendaCandidate(nomination, tuple(reasons[nomination]))
        for nomination in sorted(reasons, key=lambda n: (*rank[n], n))
    ]


@dataclass(frozen=True)
class Placement:
    """A nomination's place by mean sheet total before the meeting's discussion (its first
    scores) and after it (the scores now), 1 the best."""

    nomination_id: int
    before: int
    after: int
    before_total: float
    after_total: float

    @property
    def moved(self) -> int:
        """Places gained (positive) or lost (negative) in the discussion."""
        return self.before - self.after

    @property
    def dropped(self) -> int:
        return -self.moved


def placements(competition_id: int) -> list[Placement]:
    """Every scored nomination's place before and after the revision round, in the order
    after it. A score never revised is the same before and after. One query."""
    first = ScoreRevision.objects.filter(score=OuterRef("pk")).order_by("revised_at", "pk")
    rows = list(
        Score.objects.filter(
            juror__competition_id=competition_id,
            nomination__state=NominationState.SUBMITTED,
        )
        .annotate(first=Subquery(first.values("before")[:1]))
        .values_list("juror_id", "nomination_id", "value", "first")
    )
    sheets: dict[tuple[int, int], list[float]] = {}
    for juror, nomination, value, original in rows:
        sheet = sheets.setdefault((juror, nomination), [0.0, 0.0])
        sheet[0] += original if original is not None else value
        sheet[1] += value
    totals: dict[int, list[float]] = {}
    for (_juror, nomination), (before, after) in sheets.items():
        totals.setdefault(nomination, []).append((before, after))
    means = {
        nomination: (
            sum(b for b, _a in pairs) / len(pairs),
            sum(a for _b, a in pairs) / len(pairs),
        )
        for nomination, pairs in totals.items()
    }

    def ranks(index: int) -> dict[int, int]:
        order = sorted(means, key=lambda n: (-means[n][index], n))
        return {nomination: place for place, nomination in enumerate(order, start=1)}

    before, after = ranks(0), ranks(1)
    return sorted(
        (
            Placement(n, before[n], after[n], round(means[n][0], 2), round(means[n][1], 2))
            for n in means
        ),
        key=lambda p: p.after,
    )


def calibration_offsets(competition_id: int) -> dict[int, float]:
    """Each juror's mean calibration score minus the chair's reference score for the same
    text and criterion (minus = stricter than the reference), for jurors who calibrated."""
    offsets: dict[int, list[int]] = {}
    for juror, number, value, reference in CalibrationScore.objects.filter(
        text__competition_id=competition_id
    ).values_list("juror_id", "criterion_number", "value", "text__reference"):
        if str(number) in reference:
            offsets.setdefault(juror, []).append(value - int(reference[str(number)]))
    return {juror: sum(gaps) / len(gaps) for juror, gaps in offsets.items()}
