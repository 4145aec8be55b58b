from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from archive import queries


def archive_index(request):
    search = request.GET.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    years = queries.archive_years(search)
    return render(request, "archive/index.html", {"years": years, "search": search})


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
