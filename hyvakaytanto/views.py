from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from hyvakaytanto.caching import public_page
from hyvakaytanto.queries import criteria, current_competition


@public_page
def home(request):
    """The front page: the current competition, phase by phase (the archive adds its part)."""
    competition = current_competition()
    return render(
        request,
        "hyvakaytanto/home.html",
        {
            "competition": competition,
            "phase": competition.phase if competition else None,
            "criteria": criteria(),
        },
    )


@public_page
def privacy(request):
    return render(
        request,
        "hyvakaytanto/privacy.html",
        {
            "contact_days": settings.NOMINATION_CONTACT_RETENTION_DAYS,
            "voter_days": settings.VOTER_DATA_RETENTION_DAYS,
        },
    )


def not_found(request, *args, **kwargs):
    raise Http404
