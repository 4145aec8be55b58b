import hashlib

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from hyvakaytanto.models import Criterion
from jury.enums import DISAGREEMENT
from jury.models import ConflictOfInterest, JuryMember, OverallComment, Score
from nominations.enums import NominationState
from nominations.models import Nomination


def criterion_numbers() -> list[int]:
    return list(Criterion.objects.order_by("number").values_list("number", flat=True))


# The golden ratio's fraction: successive multiples of it, taken modulo 1, spread as evenly as
# any sequence can, whatever the number of jurors (a low-discrepancy sequence).
_GOLDEN = (5**0.5 - 1) / 2


def juror_order(*, competition_id: int, nomination_ids, seat_rank: int) -> list[int]:
    """The order in which the juror with ``seat_rank`` (0 for the year's first seat, 1 for the
    next…) meets the year's nominations.

    Scores drift with the position in which an entry is met, so a fixed order would favour or
    hurt the same nominations for everyone. Each juror gets a rotation of one shuffled list
    (a Latin-square design), starting at an offset spread evenly round the list: every
    nomination comes early for some jurors and late for others. The same for a juror at every
    visit: the shuffle is a hash of the year and the nomination, the offset depends on the
    seat's rank only.
    """
    base = sorted(
        nomination_ids,
        key=lambda pk: hashlib.sha256(f"{competition_id}:{pk}".encode()).hexdigest(),
    )
    if not base:
        return []
    offset = int(seat_rank * len(base) * _GOLDEN) % len(base)
    return base[offset:] + base[:offset]


def juror_positions(user) -> dict[int, int]:
    """Each nomination's position in the user's own order, over every panel they sit on
    (two queries per seat; a juror has one seat a year)."""
    positions = {}
    for seat in JuryMember.objects.filter(user=user).only("pk", "competition_id"):
        ids = Nomination.objects.filter(
            competition_id=seat.competition_id, state=NominationState.SUBMITTED
        ).values_list("pk", flat=True)
        rank = JuryMember.objects.filter(competition_id=seat.competition_id, pk__lt=seat.pk)
        order = juror_order(
            competition_id=seat.competition_id, nomination_ids=list(ids), seat_rank=rank.count()
        )
        positions.update({pk: n for n, pk in enumerate(order)})
    return positions


def nominations_for_juror(user) -> QuerySet[Nomination]:
    """Nominations in the years whose panel the user sits on, each with the user's own state,
    newest year first and within a year in the juror's own order (``juror_order``).

    Annotates ``my_scores`` (how many criteria this juror has scored), ``my_conflict``,
    ``my_done`` and ``position``. The list is one query, however many nominations (plus two
    per seat for the order).
    """
    criteria_count = Criterion.objects.count()
    positions = juror_positions(user)
    position = (
        Case(
            *(When(pk=pk, then=Value(n)) for pk, n in positions.items()),
            default=Value(len(positions)),
            output_field=IntegerField(),
        )
        if positions
        else Value(0, output_field=IntegerField())
    )
    return (
        Nomination.objects.filter(
            competition__jury_members__user=user, state=NominationState.SUBMITTED
        )
        .select_related("competition")
        .annotate(
            my_scores=Count("scores", filter=Q(scores__juror__user=user), distinct=True),
            my_conflict=Exists(
                ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), juror__user=user)
            ),
        )
        .annotate(
            my_done=ExpressionWrapper(
                Q(my_conflict=True) | Q(my_scores__gte=criteria_count), output_field=BooleanField()
            ),
            position=position,
        )
        .order_by("-competition__year", "position", "pk")
    )


def next_for_juror(user, *, after=None) -> Nomination | None:
    """The first nomination in the juror's order, in the newest year they sit on, that they
    have neither scored fully nor declared a conflict with (``after`` left out)."""
    remaining = nominations_for_juror(user).filter(my_done=False)
    if after is not None:
        remaining = remaining.filter(competition_id=after.competition_id).exclude(pk=after.pk)
    return remaining.first()


def panel_scores(nomination: Nomination) -> QuerySet[Score]:
    return (
        Score.objects.filter(nomination=nomination)
        .select_related("juror__user", "criterion")
        .order_by("juror__user__last_name", "juror__user__username", "criterion__number")
    )


def panel_comments(nomination: Nomination) -> QuerySet[OverallComment]:
    return OverallComment.objects.filter(nomination=nomination).select_related("juror__user")


def juror_progress(competition_ids) -> QuerySet[JuryMember]:
    """Each juror with ``scored`` (nominations scored fully), ``nomination_total`` (the year's
    nominations in the competition) and ``conflict_count``. A score sheet is saved whole, so
    scored nominations = scores / criteria. One query for the list (and one for the count of
    criteria)."""
    criteria_count = Criterion.objects.count() or 1
    in_competition = (
        Nomination.objects.filter(
            competition=OuterRef("competition"), state=NominationState.SUBMITTED
        )
        .values("competition")
        .annotate(count=Count("pk"))
        .values("count")
    )
    conflicts = (
        ConflictOfInterest.objects.filter(juror=OuterRef("pk"))
        .values("juror")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        JuryMember.objects.filter(competition_id__in=competition_ids)
        .select_related("user", "competition")
        .annotate(
            scored=Count("scores") / Value(criteria_count),
            nomination_total=Coalesce(Subquery(in_competition, output_field=IntegerField()), 0),
            conflict_count=Coalesce(Subquery(conflicts, output_field=IntegerField()), 0),
        )
    )


def _greatest(expressions: list):
    return Greatest(*expressions) if len(expressions) > 1 else expressions[0]


def ranking(nominations: QuerySet[Nomination] | None = None) -> QuerySet[Nomination]:
    """Nominations with their scores aggregated in PostgreSQL, best total first.

    Annotates, per criterion number n, ``mean_n``, ``spread_n`` (max − min) and ``count_n``;
    ``total`` (the sum of the criterion means, 4–20; empty until every criterion has a
    score), ``juror_count`` (jurors who scored), ``conflict_count``, ``max_spread`` and
    ``disagreement`` (some criterion's spread is 3 or more). Conflicted jurors have no scores
    (declaring a conflict removes them), so every mean counts only jurors without a conflict.
    One query, whatever the number of nominations.
    """
    nominations = nominations if nominations is not None else Nomination.objects.all()
    ids_by_number = dict(Criterion.objects.order_by("number").values_list("number", "pk"))
    numbers = list(ids_by_number)
    aggregates = {}
    for n in numbers:
        # By id, not number: filtering on the criterion's number would join its table per row.
        on_criterion = Q(scores__criterion_id=ids_by_number[n])
        value = Cast("scores__value", FloatField())
        aggregates[f"mean_{n}"] = Avg(value, filter=on_criterion)
        aggregates[f"spread_{n}"] = Max("scores__value", filter=on_criterion) - Min(
            "scores__value", filter=on_criterion
        )
        aggregates[f"count_{n}"] = Count("scores", filter=on_criterion)
    # A subquery, not a join: joining conflicts would repeat every score row.
    conflicts = (
        ConflictOfInterest.objects.filter(nomination=OuterRef("pk"))
        .values("nomination")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        nominations.filter(state=NominationState.SUBMITTED)
        .annotate(**aggregates)
        .annotate(
            total=sum((F(f"mean_{n}") for n in numbers[1:]), F(f"mean_{numbers[0]}")),
            # One score per juror and criterion (a constraint), so the jurors who scored are
            # the largest per-criterion count: no COUNT(DISTINCT), which sorts every score.
            juror_count=_greatest([F(f"count_{n}") for n in numbers]),
            max_spread=_greatest([F(f"spread_{n}") for n in numbers]),
            conflict_count=Coalesce(Subquery(conflicts, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            disagreement=ExpressionWrapper(
                Q(max_spread__gte=Value(DISAGREEMENT)), output_field=BooleanField()
            )
        )
        .select_related("competition")
        .order_by(F("total").desc(nulls_last=True), "practice_name")
    )
