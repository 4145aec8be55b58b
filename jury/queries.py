from django.db.models import (
    Avg,
    BooleanField,
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
)
from django.db.models.functions import Cast, Coalesce, Greatest

from hyvakaytanto.models import Criterion
from jury.enums import DISAGREEMENT
from jury.models import ConflictOfInterest, JuryMember, OverallComment, Score
from nominations.enums import NominationState
from nominations.models import Nomination


def criterion_numbers() -> list[int]:
    return list(Criterion.objects.order_by("number").values_list("number", flat=True))


def seats(user) -> QuerySet[JuryMember]:
    return JuryMember.objects.filter(user=user).select_related("competition")


def nominations_for_juror(user) -> QuerySet[Nomination]:
    """Nominations in the years whose panel the user sits on, each with the user's own state.

    Annotates ``my_scores`` (how many criteria this juror has scored) and ``my_conflict``.
    One query, however many nominations.
    """
    criteria_count = Criterion.objects.count()
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
            )
        )
        .order_by("competition__year", "practice_name")
    )


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


def ranking(nominations: QuerySet[Nomination] | None = None) -> QuerySet[Nomination]:
    """Nominations with their scores aggregated in PostgreSQL, best total first.

    Annotates, per criterion number n, ``mean_n`` and ``spread_n`` (max − min), and
    ``total`` (the sum of the criterion means, 4–20), ``juror_count`` (jurors who scored),
    ``conflict_count``, ``max_spread`` and ``disagreement`` (some criterion's spread ≥ 3).
    Conflicted jurors have no scores (declaring a conflict removes them), so every mean counts
    only jurors without a conflict. One query, whatever the number of nominations.
    """
    nominations = nominations if nominations is not None else Nomination.objects.all()
    numbers = criterion_numbers()
    annotations = {}
    for n in numbers:
        on_criterion = Q(scores__criterion__number=n)
        annotations[f"mean_{n}"] = Avg(Cast("scores__value", FloatField()), filter=on_criterion)
        annotations[f"spread_{n}"] = Max("scores__value", filter=on_criterion) - Min(
            "scores__value", filter=on_criterion
        )
    annotations["juror_count"] = Count("scores__juror", distinct=True)
    # A subquery, not a join: joining conflicts would repeat every score row.
    conflicts = (
        ConflictOfInterest.objects.filter(nomination=OuterRef("pk"))
        .values("nomination")
        .annotate(count=Count("pk"))
        .values("count")
    )
    annotations["conflict_count"] = Coalesce(
        Subquery(conflicts, output_field=IntegerField()), Value(0)
    )
    queryset = nominations.filter(state=NominationState.SUBMITTED).annotate(**annotations)
    total = sum((F(f"mean_{n}") for n in numbers[1:]), F(f"mean_{numbers[0]}"))
    max_spread = (
        Greatest(*(F(f"spread_{n}") for n in numbers))
        if len(numbers) > 1
        else F(f"spread_{numbers[0]}")
    )
    return (
        queryset.annotate(total=total, max_spread=max_spread)
        .annotate(
            disagreement=ExpressionWrapper(
                Q(max_spread__gte=Value(DISAGREEMENT)), output_field=BooleanField()
            )
        )
        .select_related("competition")
        .order_by(F("total").desc(nulls_last=True), "practice_name")
    )
