from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from archive import queries
from archive.charts import Bar, bar_chart
from archive.enums import AwardKind
from core.caching import public_page
from voting.review import removed_votes


@public_page
def archive_index(request):
    search = request.GET.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    years = queries.archive_years(search)
    return render(request, "archive/index.html", {"years": years, "search": search})


@public_page
def archive_year(request, year: int):
    award_year = queries.archive_year(year)
    if award_year is None:
        raise Http404(_("Vuodelta %(year)s ei ole tietoja arkistossa.") % {"year": year})
    previous_year, next_year = queries.neighbouring_years(year)
    return render(
        request,
        "archive/year.html",
        {"award_year": award_year, "previous_year": previous_year, "next_year": next_year},
    )


@public_page
def results(request, year: int):
    """A year's results: public once published (historical years show what is known)."""
    award_year = queries.archive_year(year)
    if award_year is None or not award_year.awarded:
        raise Http404(_("Vuoden %(year)s tuloksia ei ole julkaistu.") % {"year": year})
    awards = list(award_year.awards.all())
    by_kind = {kind: [a for a in awards if a.kind == kind] for kind in AwardKind.values}
    # Every finalist once, with its votes, for the chart: the favourite rows repeat them.
    voted = sorted(
        (a for a in awards if a.vote_count is not None and a.kind != AwardKind.AUDIENCE_FAVOURITE),
        key=lambda a: (-a.vote_count, a.order),
    )
    chart = (
        bar_chart(
            [Bar(a.practice_name, a.vote_count, a.vote_share or 0) for a in voted],
            title=_("Yleisöäänestyksen äänet finalisteittain vuonna %(year)s") % {"year": year},
        )
        if voted
        else None
    )
    return render(
        request,
        "archive/results.html",
        {
            "award_year": award_year,
            "competition": award_year.competition,
            "winners": by_kind[AwardKind.WINNER],
            "favourites": by_kind[AwardKind.AUDIENCE_FAVOURITE],
            "mentions": by_kind[AwardKind.HONOURABLE_MENTION],
            "finalists": by_kind[AwardKind.FINALIST],
            "voted": voted,
            "chart": chart,
            "total_votes": sum(a.vote_count for a in voted),
            # What the vote's review removed, by rule: only for years reviewed on the site.
            "removed": (
                removed_votes(award_year.competition)
                if award_year.votes_reviewed and award_year.competition_id
                else None
            ),
        },
    )
