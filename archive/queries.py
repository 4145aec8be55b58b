from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from archive.enums import AwardKind
from archive.models import Award, AwardYear

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
