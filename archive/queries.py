from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Now

from archive.enums import AwardKind
from archive.models import Award, AwardYear
from core.models import Competition
from jury.models import Finalist
from nominations.enums import NominationState, Region
from nominations.models import Nomination
from voting.models import Vote

SEARCH_MAX_LENGTH = 100

_KIND_RANK = Case(
    *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(AwardKind.values)),
    default=Value(len(AwardKind.values)),
)


def awards_in_display_order() -> QuerySet[Award]:
    """Winners first, then audience favourites, certificates of honour and finalists."""
    return Award.objects.alias(kind_rank=_KIND_RANK).order_by("kind_rank", "order", "practice_name")


def _matching(search: str) -> Q:
    return Q(practice_name__icontains=search) | Q(organisation__icontains=search)


def archive_years(search: str = "") -> QuerySet[AwardYear]:
    """Every recorded year, newest first, with its awards prefetched (two queries in all).

    With ``search``, only years with a matching practice or organisation, and only the
    matching awards within them.
    """
    awards = awards_in_display_order()
    years = AwardYear.objects.order_by("-year")
    if search:
        awards = awards.filter(_matching(search))
        years = years.filter(Exists(Award.objects.filter(_matching(search), year=OuterRef("pk"))))
    return years.prefetch_related(Prefetch("awards", queryset=awards))


def archive_year(year: int) -> AwardYear | None:
    return (
        AwardYear.objects.select_related("competition")
        .prefetch_related(Prefetch("awards", queryset=awards_in_display_order()))
        .filter(year=year)
        .first()
    )


def neighbouring_years(year: int) -> tuple[int | None, int | None]:
    """The recorded years just before and after ``year``, for the year page's navigation."""
    previous = (
        AwardYear.objects.filter(year__lt=year).order_by("-year").values_list("year", flat=True)
    )
    following = (
        AwardYear.objects.filter(year__gt=year).order_by("year").values_list("year", flat=True)
    )
    return previous.first(), following.first()


def latest_winners() -> QuerySet[Award]:
    """The winners of the newest year that had a winner (one query)."""
    newest = Award.objects.filter(kind=AwardKind.WINNER).order_by("-year").values("year")[:1]
    return awards_in_display_order().filter(kind=AwardKind.WINNER, year__in=newest)


def competition_statistics() -> QuerySet:
    """Each competition year with its nominations, finalists and votes (one query)."""

    def count(queryset, field):
        counted = queryset.values(field).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return Competition.objects.annotate(
        nominations_received=count(
            Nomination.objects.filter(competition=OuterRef("pk")).exclude(
                state=NominationState.WITHDRAWN
            ),
            "competition",
        ),
        finalists_count=count(
            Finalist.objects.filter(nomination__competition=OuterRef("pk")),
            "nomination__competition",
        ),
        # Nobody sees a count while the vote runs, staff included: none until it has closed.
        votes_cast=Case(
            When(
                voting_closes_at__lte=Now(),
                then=count(
                    Vote.objects.filter(competition=OuterRef("pk"), removed_rule=""),
                    "competition",
                ),
            ),
            default=None,
            output_field=IntegerField(),
        ),
    ).order_by("-year")


def nominations_by_region() -> dict[int, list[tuple[str, int]]]:
    """Per competition id, (region label, count) pairs, largest first (one query)."""
    rows = (
        Nomination.objects.exclude(state=NominationState.WITHDRAWN)
        .values("competition_id", "region")
        .annotate(n=Count("pk"))
        .order_by("competition_id", "-n", "region")
    )
    result: dict[int, list[tuple[str, int]]] = {}
    for row in rows:
        result.setdefault(row["competition_id"], []).append((Region(row["region"]).label, row["n"]))
    return result
