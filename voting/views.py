import json
import re
import time
from datetime import timedelta

from allauth.account.internal.stagekit import clear_login
from allauth.account.views import RequestLoginCodeView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import FormView

from core.caching import PAGE_CACHE, page_key, public_page, same_head_for_address
from core.enums import Phase
from core.models import Competition
from core.queries import public_competition
from core.ratelimit import Limit, client_address, hit
from voting import proof, queries, review, services
from voting.forms import VoterSignInForm
from voting.models import Vote
from voting.rules import removal_rules, rules_text
from voting.share_image import share_image

# Listing first is an advantage in a vote, so the finalists are shown in a shuffled order:
# a signed-in voter's own (the same at every visit), and for everyone else one that changes
# every ORDER_WINDOW seconds. The anonymous page thus needs no cookie and stays cacheable
# (core/caching.py), and over a day each finalist is listed first about as often.
ORDER_WINDOW = 600


def _order_seed(request) -> str:
    if request.user.is_authenticated:
        return f"voter:{request.user.pk}"
    return f"window:{int(time.time()) // ORDER_WINDOW}"


def _vote_limit() -> Limit:
    return Limit("vote", count=settings.VOTES_PER_CLIENT_PER_HOUR, window=timedelta(hours=1))


@require_safe
@public_page
def finalists(request):
    competition, published = queries.public_finalists()
    context = {"competition": competition, "phase": competition.phase if competition else None}
    if competition is not None:
        visitor = queries.visitor_vote(request.user, competition)
        shuffled = queries.shuffled_for_visitor(published, _order_seed(request))
        buttons = competition.phase == Phase.VOTING and visitor.verified and not visitor.cast_at
        context.update(
            finalists=shuffled,
            cards=_cards(
                shuffled, phase=competition.phase, buttons=buttons, chosen=visitor.finalist_id
            ),
            verified=visitor.verified,
            voted_for=next((f for f in published if f.pk == visitor.finalist_id), None),
            voted_at=visitor.cast_at,
        )
    return render(request, "voting/finalists.html", context)


def _cards(finalists: list, *, phase: Phase, buttons: bool, chosen: int | None) -> list[str]:
    """The finalists' cards in this order. Rendering them is most of the page's cost, and a
    card holds nothing of one visitor's own (its vote button leads to the confirmation; the
    finalist a voter chose is marked), so each process keeps each card, in each of its three
    states, for ``PUBLIC_PAGE_CACHE_SECONDS``, as it does the list itself: a dozen renderings
    per language however many orders the visitors see the cards in."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    cache, language = caches[PAGE_CACHE], get_language()
    cards = []
    for finalist in finalists:
        state = "button" if buttons else "chosen" if finalist.pk == chosen else "plain"
        key = page_key("finalist-card", language, phase, finalist.pk, state)
        html = cache.get(key) if seconds > 0 else None
        if html is None:
            finalist.slug = queries.finalist_slug(finalist, finalists)
            html = render_to_string(
                "voting/_card.html",
                {
                    "finalist": finalist,
                    "buttons": buttons,
                    "chosen": finalist.pk if state == "chosen" else None,
                },
            )
            if seconds > 0:
                cache.set(key, html, seconds)
        cards.append(html)
    return cards


@require_safe
@public_page
def finalist_detail(request, slug: str):
    """One finalist's own page, to share: the practice, the jury's statement and the vote,
    with Open Graph tags and a picture drawn for it (``finalist_image``)."""
    competition, finalist = queries.public_finalist(slug)
    if finalist is None:
        raise Http404
    visitor = queries.visitor_vote(request.user, competition)
    return render(
        request,
        "voting/finalist.html",
        {
            "competition": competition,
            "phase": competition.phase,
            "finalist": finalist,
            "slug": slug,
            "verified": visitor.verified,
            "voted_at": visitor.cast_at,
            "voted_for_this": visitor.finalist_id == finalist.pk,
        },
    )


@require_safe
@public_page
def finalist_image(request, slug: str):
    competition, finalist = queries.public_finalist(slug)
    if finalist is None:
        raise Http404
    return HttpResponse(share_image(finalist, competition), content_type="image/png")


@login_required
@require_safe
@same_head_for_address
def vote_confirm(request, slug: str):
    """ "Äänestät: X. Ääntä ei voi muuttaa." The vote is cast only from this page's form."""
    competition, finalist = queries.public_finalist(slug)
    if finalist is None:
        raise Http404
    visitor = queries.visitor_vote(request.user, competition)
    if visitor.cast_at is not None:
        messages.info(request, _("Olet jo äänestänyt tänä vuonna. Ääntä ei voi vaihtaa."))
        return redirect("voting:finalists")
    if competition.phase != Phase.VOTING:
        messages.info(request, _("Äänestys ei ole käynnissä."))
        return redirect("voting:finalists")
    if not visitor.verified:
        messages.info(request, _("Vahvista sähköpostiosoitteesi, niin voit äänestää."))
        return redirect("voting:finalists")
    return render(
        request,
        "voting/confirm.html",
        {"competition": competition, "finalist": finalist, "slug": slug},
    )


@require_POST
def vote(request):
    if not request.user.is_authenticated:
        return redirect_to_login("/finalistit/")
    try:
        finalist_id = int(request.POST.get("finalist", ""))
    except ValueError:
        messages.error(request, _("Valitse finalisti, jota äänestät."))
        return redirect("voting:finalists")
    if request.POST.get("confirmed") != "yes":
        # A vote is cast only from the confirmation page: an old page's one-tap button, or
        # a form sent from elsewhere, leads to the confirmation instead.
        slug = queries.public_finalist_slug(finalist_id)
        return redirect("voting:confirm", slug) if slug else redirect("voting:finalists")
    address = client_address(request)
    if not hit(_vote_limit(), address):
        messages.error(request, _("Verkostasi on annettu liian monta ääntä. Yritä myöhemmin."))
        return redirect("voting:finalists")
    try:
        cast = services.vote_cast(
            voter=request.user,
            finalist_id=finalist_id,
            client_address=address,
            device=services.device_of(
                request.headers.get("User-Agent", ""), request.headers.get("Accept-Language", "")
            ),
        )
    except services.AlreadyVoted as already:
        messages.info(
            request,
            _("Olet jo äänestänyt finalistia ”%(name)s”. Ääntä ei voi vaihtaa.")
            % {"name": already.vote.finalist.nomination.practice_name},
        )
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("Vahvista sähköpostiosoitteesi ensin."))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        name = cast.finalist_name
        if cast.created:
            messages.success(
                request,
                _(
                    "Kiitos! Äänesi finalistille ”%(name)s” on tallennettu. Kuittauskoodi: "
                    "%(code)s. Kuittaus lähtee myös sähköpostiisi."
                )
                % {"name": name, "code": cast.vote.receipt_code},
            )
        else:
            messages.info(
                request, _("Äänesi finalistille ”%(name)s” oli jo tallennettu.") % {"name": name}
            )
    return redirect("voting:finalists")


class SignInView(RequestLoginCodeView):
    """One door for voters: an address, then the code e-mailed to it. The first sign-in of
    a mailbox makes its account (``services.voter_for_address``); an alias of a mailbox
    reaches the account it already has. The code goes to the address as typed (in lower
    case), which the page shows: it says nothing of the account's other addresses."""

    form_class = VoterSignInForm
    template_name = "voting/sign_in.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        # The address form stays reachable while a code is pending (allauth would send the
        # visitor back to the code page), and a new address replaces the code asked for
        # earlier in this browser: a mistyped address, or Back and another one.
        if request.method == "POST":
            clear_login(request)
        return FormView.dispatch(self, request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        form.cleaned_data["email"] = email
        form._user = services.voter_for_address(email=email)
        services.voter_mark_proof(form._user, proved=not form.without_proof)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proof_strings": _proof_strings()}


def _proof_strings() -> str:
    """The proof-of-work widget's texts in the page's language (JSON for its attribute)."""
    return json.dumps(
        {
            "label": _("En ole robotti"),
            "verifying": _("Tarkistetaan…"),
            "verified": _("Tarkistettu"),
            "error": _("Tarkistus epäonnistui. Yritä uudelleen."),
            "expired": _("Tarkistus vanheni. Yritä uudelleen."),
            "verificationRequired": _("Odota hetki: selain tekee tarkistuksen."),
            "waitAlert": _("Tarkistetaan… odota hetki."),
            "footer": "",
            "ariaLinkLabel": "",
            "reload": _("Lataa uudelleen"),
            "verify": _("Tarkista"),
            "loading": _("Ladataan…"),
        },
        ensure_ascii=False,
    )


@require_safe
def proof_challenge(request):
    """A new proof-of-work challenge for the sign-in page's widget; never cached."""
    response = JsonResponse(proof.challenge())
    response["Cache-Control"] = "no-store"
    return response


sign_in = SignInView.as_view()


@require_safe
@public_page
def rules(request):
    """The voting rules: what a vote can be questioned or removed for, that a voter may be
    asked to confirm, and how removed votes are reported. ``?vuosi=`` for a past year's."""
    competition = public_competition()
    year = request.GET.get("vuosi", "")
    if re.fullmatch(r"[0-9]{4}", year) and (competition is None or int(year) != competition.year):
        # A year the public has seen: its call has opened (a year in preparation has none).
        competition = (
            Competition.objects.filter(
                year=int(year), nomination_opens_at__lte=timezone.now()
            ).first()
            or competition
        )
    text, language = rules_text(competition)
    return render(
        request,
        "voting/rules.html",
        {
            "competition": competition,
            "paragraphs": [part for part in text.split("\n\n") if part.strip()],
            "text_language": language,
            "removal_rules": removal_rules(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_vote(request):
    """Where the e-mail asking to confirm a vote leads: a voter confirms by signing in again
    with a fresh code (the sign-in confirms, ``review.vote_confirm``). Someone still signed in
    from before is asked to sign in again (a button: a link alone never signs anyone out), so
    that the code proves the mailbox now."""
    if request.user.is_staff:
        raise PermissionDenied
    pending = review.votes_awaiting_confirmation(request.user)
    if pending and request.method != "POST":
        return render(request, "voting/confirm_vote.html", {"pending": pending})
    if pending:
        logout(request)
        messages.info(
            request,
            _("Vahvista äänesi kirjautumalla sisään uudella koodilla, jonka saat sähköpostiisi."),
        )
        return redirect_to_login(request.get_full_path(), login_url=reverse("voting:sign_in"))
    confirmed = Vote.objects.filter(
        voter=request.user, confirmed_at__isnull=False, removed_rule=""
    ).exists()
    return render(request, "voting/confirm_vote.html", {"confirmed": confirmed})


@login_required
@require_safe
def account(request):
    votes = (
        Vote.objects.filter(voter=request.user)
        .select_related("competition", "finalist__nomination")
        .order_by("-cast_at")
    )
    return render(request, "voting/account.html", {"votes": votes})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request):
    if request.user.is_staff:
        raise PermissionDenied
    competition = public_competition()
    voting_open = competition is not None and competition.phase == Phase.VOTING
    if request.method == "POST":
        services.voter_delete_account(voter=request.user)
        logout(request)
        messages.success(request, _("Tilisi ja sen tiedot on poistettu."))
        return redirect("home")
    return render(request, "voting/account_delete.html", {"voting_open": voting_open})
