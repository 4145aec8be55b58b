import sys
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.storage import storages
from django.db import OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods

from archive import queries as archive_queries
from archive.enums import AwardKind
from core.caching import public_page
from core.colours import theme_css
from core.enums import Phase
from core.images import PUBLIC_PREFIX
from core.models import Competition
from core.permissions import can_preview_years
from core.queries import criteria, public_competition
from voting import queries as voting_queries


@dataclass(frozen=True)
class Step:
    """One step of the year's timeline on the front page."""

    label: str
    starts: datetime | None
    ends: datetime | None
    phase: Phase
    current: bool
    done: bool
    place: str = ""


def _timeline(competition: Competition, phase: Phase) -> list[Step]:
    order = [Phase.NOMINATION, Phase.REVIEW, Phase.VOTING, Phase.DELIBERATION, Phase.PUBLISHED]
    now_at = order.index(phase) if phase in order else -1
    rows = [
        (_("Ehdotusaika"), competition.nomination_opens_at, competition.nomination_closes_at),
        (
            _("Palkintoraati arvioi"),
            competition.nomination_closes_at,
            competition.scoring_closes_at,
        ),
        (
            _("Finalistit ja yleisöäänestys"),
            competition.voting_opens_at,
            competition.voting_closes_at,
        ),
        (_("Raati valitsee voittajan"), competition.voting_closes_at, None),
        (
            _("Tulokset julkistetaan"),
            competition.announcement_on or competition.results_published_at,
            None,
        ),
    ]
    place = competition.in_active_language("announcement_place")
    return [
        Step(
            label,
            starts,
            ends,
            order[n],
            current=n == now_at,
            done=n < now_at,
            place=place if n == len(rows) - 1 else "",
        )
        for n, (label, starts, ends) in enumerate(rows)
    ]


PREVIEW_PARAMETER = "esikatselu"


def _previewed_year(request) -> Competition | None:
    """``/?esikatselu=2028``: staff who may see the years look at any year's front page as the
    public will see it, a year in preparation included. Anyone else gets the public's page."""
    year = request.GET.get(PREVIEW_PARAMETER, "")
    if not (len(year) == 4 and year.isascii() and year.isdigit()):
        return None  # anything but a year ("²", a number past the field's range) is ignored
    if not can_preview_years(request.user):
        return None
    return Competition.objects.filter(year=int(year)).first()


@public_page
def home(request):
    """The front page: it leads with what the year needs now (the call, the jury at work, the
    finalists and the vote, the wait for the winner, the winner), then the year's timeline
    with today's step marked, then the criteria and the prize. A handful of queries whatever
    the phase."""
    preview = _previewed_year(request)
    competition = preview or public_competition()
    phase = competition.phase if competition else None
    context = {
        "competition": competition,
        "phase": phase,
        "criteria": criteria(),
        "preview": preview is not None,
    }
    if competition is not None:
        context["timeline"] = _timeline(competition, phase)
        if phase in (Phase.VOTING, Phase.DELIBERATION) or (
            phase == Phase.REVIEW and competition.finalists_are_public
        ):
            finalists = (
                voting_queries.published_finalists(competition)
                if preview
                else voting_queries.public_finalists()[1]
            )
            context["finalists"] = sorted(finalists, key=lambda f: f.nomination.practice_name)
        if phase == Phase.PUBLISHED:
            award_year = archive_queries.archive_year(competition.year)
            awards = list(award_year.awards.all()) if award_year else []
            context["winners"] = [a for a in awards if a.kind == AwardKind.WINNER]
            context["favourites"] = [a for a in awards if a.kind == AwardKind.AUDIENCE_FAVOURITE]
            context["mentions"] = [a for a in awards if a.kind == AwardKind.HONOURABLE_MENTION]
    return render(request, "hyvakaytanto/home.html", context)


@public_page
def privacy(request):
    return render(
        request,
        "hyvakaytanto/privacy.html",
        {
            "contact_days": settings.NOMINATION_CONTACT_RETENTION_DAYS,
            "voter_days": settings.VOTER_DATA_RETENTION_DAYS,
            "draft_days": settings.NOMINATION_DRAFT_RETENTION_DAYS,
        },
    )


# Both answers below are named by their content (a digest, a colour), so a name always means
# the same bytes and browsers and proxies may keep them for a year.
_FOREVER = {"public": True, "max_age": 365 * 24 * 3600, "immutable": True}
_PUBLIC_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@require_http_methods(["GET", "HEAD"])
def public_file(request, name: str):
    """A picture staff uploaded for the public site (logo, icon, a finalist's picture)."""
    content_type = _PUBLIC_TYPES.get(name.rpartition(".")[2])
    if content_type is None:
        raise Http404
    try:
        with storages["private"].open(PUBLIC_PREFIX + name) as stored:
            data = stored.read()
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = HttpResponse(data, content_type=content_type)
    patch_cache_control(response, **_FOREVER)
    return response


@require_http_methods(["GET", "HEAD"])
def theme_stylesheet(request, colour: str):
    """The brand colour's shades as CSS custom properties (core/colours.py)."""
    response = HttpResponse(theme_css(f"#{colour}"), content_type="text/css; charset=utf-8")
    patch_cache_control(response, **_FOREVER)
    return response


# How long a client is asked to wait before trying again when the database cannot be reached.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """The error page for an error no view handled (handler500): Django's own, with 503.

    When the database cannot be reached or gave up on the request (a restart, an outage, a
    deadlock), the request can simply be made again, so the answer is 503 Service Unavailable
    with Retry-After, never kept by a cache. Any other error answers 500. The page is the same
    static Finnish one (templates/500.html), which says to try again and to check whether a
    form went through.

    Django calls this inside the ``except`` that caught the error, so ``sys.exception()`` is
    it, for errors in views and in middleware alike, under WSGI (gunicorn). Under ASGI the
    handler runs in another thread and every error would answer 500. With DEBUG on, Django
    shows its own technical page instead.
    """
    response = defaults.server_error(request)
    if isinstance(sys.exception(), OperationalError):
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        patch_cache_control(response, no_store=True)
    return response
