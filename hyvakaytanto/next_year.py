""" "Luo seuraava kilpailuvuosi": the next year from this one, and last year's panel invited to
it, in one step. Part of the composition because it joins two apps' work: the year
(``core.services.competition_next_from``) and the invitations (``jury.services``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from core import services
from core.dates import day_text, last_day_text
from core.models import Competition
from core.permissions import can_set_up_next_year
from jury import services as jury_services
from jury.models import JuryMember
from jury.permissions import can_invite


def next_year_view(site, request, object_id):
    competition = Competition.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    if competition is None:
        raise Http404
    user = request.user
    if not can_set_up_next_year(user):
        raise PermissionDenied
    may_invite = can_invite(user)
    panel = (
        JuryMember.objects.filter(competition=competition, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")  # the chair first
        if may_invite
        else JuryMember.objects.none()
    )
    if request.method == "POST":
        chosen = panel.filter(pk__in=[p for p in request.POST.getlist("kutsu") if p.isdigit()])
        try:
            with transaction.atomic():
                following = services.competition_next_from(competition=competition, by=user)
                again = jury_services.invitations_again(
                    previous=competition, following=following, seats=chosen, by=user
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        text = gettext(
            "Vuosi %(next)s on luotu vuoden %(year)s pohjalta. Tarkista päivämäärät ja "
            "tekstit; yleisö näkee vuoden, kun sen ehdotusaika alkaa."
        ) % {"next": following.year, "year": competition.year}
        if again.invited:
            text += " " + ngettext(
                "Kutsu raatiin lähti %(count)d henkilölle.",
                "Kutsu raatiin lähti %(count)d henkilölle.",
                again.invited,
            ) % {"count": again.invited}
        messages.success(request, text)
        if again.without_address:
            messages.warning(
                request,
                gettext(
                    "Näiltä puuttuu tilistä sähköpostiosoite tai nimi, joten heitä ei kutsuttu: "
                    "%(names)s. Kutsu heidät Kutsut-sivulta."
                )
                % {"names": ", ".join(again.without_address)},
            )
        return HttpResponseRedirect(
            reverse("admin:hyvakaytanto_competition_change", args=[following.pk])
        )
    # Each moment as staff enter it: an opening by its first day, a closing by its last.
    rows = [
        (gettext("Ehdotusaika alkaa"), "nomination_opens_at", day_text),
        (gettext("Ehdotusajan viimeinen päivä"), "nomination_closes_at", last_day_text),
        (gettext("Arvioinnin viimeinen päivä"), "scoring_closes_at", last_day_text),
        (gettext("Äänestys alkaa"), "voting_opens_at", day_text),
        (gettext("Äänestyksen viimeinen päivä"), "voting_closes_at", last_day_text),
    ]
    following = services.competition_dates_a_year_on(competition)
    return TemplateResponse(
        request,
        "admin/next_year.html",
        {
            **site.each_context(request),
            "opts": Competition._meta,
            "title": gettext("Luo seuraava kilpailuvuosi"),
            "competition": competition,
            "next_year": competition.year + 1,
            "refusal": services.competition_next_refusal(competition),
            "panel": panel,
            "may_invite": may_invite,
            "dates": [
                (label, written(getattr(competition, field)), written(following[field]))
                for label, field, written in rows
            ],
        },
    )
