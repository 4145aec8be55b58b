import contextlib
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import audit
from core.enums import Phase
from core.queries import criteria, public_competition
from core.ratelimit import Limit, client_address, hit
from nominations import services
from nominations.forms import DraftForm, NominationForm, ResendLinkForm
from nominations.models import Attachment
from nominations.permissions import can_edit_through_link, can_view_nominations
from nominations.queries import draft_for_token, nomination_for_token
from nominations.uploads import attachment_response

SUBMIT_LIMIT = Limit("nomination-submit", count=10, window=timedelta(hours=1))
RESEND_LIMIT = Limit("nomination-resend", count=5, window=timedelta(hours=1))
RESEND_PER_ADDRESS_LIMIT = Limit("nomination-resend-address", count=3, window=timedelta(hours=1))
# Each new draft e-mails its link to the address given, so new drafts are limited per client
# and per address; saving an existing draft sends nothing and is not limited.
NEW_DRAFT_LIMIT = Limit("nomination-draft", count=10, window=timedelta(hours=1))
NEW_DRAFT_PER_ADDRESS_LIMIT = Limit("nomination-draft-address", count=3, window=timedelta(hours=1))


def _nomination_or_404(token: str):
    nomination = nomination_for_token(token)
    if nomination is None:
        raise Http404(_("Ehdotusta ei löytynyt."))
    return nomination


def _link_not_valid(request, *, draft: bool = False):
    """A private link that leads nowhere (replaced by a newer one, mistyped, or a draft that
    was sent or erased): say so, and lead to the page that sends valid links."""
    return render(request, "nominations/link_not_valid.html", {"draft": draft}, status=404)


def _form_page(request, form, *, nomination=None, token=None, draft=None, status=200, action=""):
    chosen = form.chosen_file_names() if form.is_bound and form.errors else []
    if nomination:
        competition = nomination.competition
    else:
        competition = draft.competition if draft else public_competition()
    return render(
        request,
        "nominations/form.html",
        {
            "form": form,
            "nomination": nomination,
            "token": token,
            "draft": draft,
            "action": action,
            "drafts": nomination is None,
            "autosave_url": reverse("nominations:draft_autosave", kwargs={"token": token})
            if draft
            else reverse("nominations:draft_autosave_new"),
            "is_open": competition is not None and competition.phase == Phase.NOMINATION,
            "files_to_choose_again": chosen,
            "competition": competition,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def nominate(request):
    competition = public_competition()
    is_open = competition is not None and competition.phase == Phase.NOMINATION
    if not is_open and request.method in ("GET", "HEAD"):
        return render(request, "nominations/closed.html", {"competition": competition})
    form = NominationForm(request.POST or None, request.FILES or None, criteria=criteria())
    if request.POST.get("action") == "draft":
        return _draft_save_page(request, form, competition=competition)
    if not is_open:
        # The deadline passed while the form was being filled in: give the text back.
        form.is_valid()
        form.add_error(
            None,
            _(
                "Ehdotusaika on päättynyt, joten ehdotusta ei voitu vastaanottaa. "
                "Voit kopioida kirjoittamasi tekstit talteen alta."
            ),
        )
        return _form_page(request, form, status=403)
    if request.method in ("GET", "HEAD") or not form.is_valid():
        return _form_page(request, form, status=200 if request.method in ("GET", "HEAD") else 400)
    return _submit(request, form, competition=competition)


def _submit(request, form, *, competition, draft=None, token=None):
    """Send a valid form as the nomination (and delete the draft it was written in)."""
    if not hit(SUBMIT_LIMIT, client_address(request)):
        form.add_error(
            None, _("Liian monta ehdotusta lyhyessä ajassa. Yritä uudelleen tunnin kuluttua.")
        )
        return _form_page(request, form, draft=draft, token=token, status=429)
    try:
        submitted = services.nomination_submit(
            competition=competition,
            data=form.cleaned_data,
            answers=form.answers(),
            uploads=form.cleaned_data["attachments"],
            language=translation.get_language() or "fi",
            draft=draft,
        )
    except services.NominationClosed as closed:
        form.add_error(None, closed)
        return _form_page(request, form, draft=draft, token=token, status=403)
    except services.DraftGone:
        return _texts_without_a_draft(request)
    return _submitted(request, submitted)


def _submitted(request, submitted: services.Submitted):
    messages.success(
        request,
        _(
            "Kiitos! Ehdotus on vastaanotettu. Lähetimme vahvistuksen ja tämän sivun linkin "
            "osoitteeseen %(email)s. Linkin kautta voit muokata ehdotusta tai perua sen "
            "ehdotusajan loppuun asti."
        )
        % {"email": submitted.nomination.contact_email},
    )
    return redirect(submitted.nomination.private_url(submitted.token))


# --- Drafts ---------------------------------------------------------------------------------


class _DraftRefused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def _save_draft(request, form, *, competition, draft=None) -> services.SavedDraft:
    """Save what was typed in ``form`` (bound) as ``draft`` or a new draft; _DraftRefused
    with a Finnish message and an HTTP status when it cannot be."""
    if competition is None or competition.phase != Phase.NOMINATION:
        raise _DraftRefused(
            _("Ehdotusaika ei ole käynnissä, joten luonnosta ei voi tallentaa."), 403
        )
    if request.POST.get("website"):  # the field people never see (NominationForm)
        raise _DraftRefused(_("Lomaketta ei voitu lähettää. Yritä uudelleen."), 400)
    address = DraftForm(request.POST)
    if not address.is_valid():
        raise _DraftRefused(address.errors["contact_email"][0], 400)
    email = address.cleaned_data["contact_email"]
    # Every new draft, and every new address of a draft, e-mails the link: limited.
    sends_link = draft is None or draft.contact_email.lower() != email.lower()
    if sends_link and not (
        hit(NEW_DRAFT_LIMIT, client_address(request))
        and hit(NEW_DRAFT_PER_ADDRESS_LIMIT, email.lower())
    ):
        raise _DraftRefused(
            _("Liian monta uutta luonnosta lyhyessä ajassa. Yritä uudelleen tunnin kuluttua."),
            429,
        )
    try:
        return services.draft_save(
            competition=competition,
            texts=form.draft_texts(),
            contact_email=email,
            language=translation.get_language() or "fi",
            draft=draft,
            writer=request.POST.get("draft_writer", "")[:32],
            revision=_revision(request.POST.get("draft_revision", "")),
        )
    except services.NominationClosed as closed:
        raise _DraftRefused(closed.message, 403) from closed
    except services.DraftGone as gone:
        raise _DraftRefused(
            _(
                "Luonnos on jo lähetetty ehdotukseksi tai poistettu. Katso sähköpostistasi "
                "ehdotuksen vahvistus ja sen oma linkki."
            ),
            410,
        ) from gone


def _revision(value: str) -> int:
    return min(int(value), 2**31 - 1) if value.isascii() and value.isdigit() else 0


def _saved_message(saved: services.SavedDraft) -> str:
    at = time_format(timezone.localtime(saved.draft.updated_at), "H.i")
    return _(
        "Luonnos tallennettu klo %(time)s. Voit jatkaa sitä millä laitteella tahansa "
        "linkistä, jonka lähetimme osoitteeseen %(email)s."
    ) % {"time": at, "email": saved.draft.contact_email}


def _draft_save_page(request, form, *, competition, draft=None, token=None):
    """The "Tallenna luonnos" button (no JavaScript needed): save, then show the draft at its
    own address; or show the form again with every text and the reason."""
    try:
        saved = _save_draft(request, form, competition=competition, draft=draft)
    except _DraftRefused as refused:
        again = NominationForm.showing(
            form.draft_texts(),
            criteria=form.criteria,
            error=refused.message,
            field="contact_email" if refused.status == 400 else None,
        )
        return _form_page(request, again, draft=draft, token=token, status=refused.status)
    messages.success(request, _saved_message(saved))
    return redirect(saved.draft.private_url(saved.token))


@require_http_methods(["GET", "HEAD", "POST"])
def draft_page(request, token: str):
    """A draft, at its private link: the form with its texts, to go on or to send."""
    draft = draft_for_token(token)
    if draft is None:
        if request.method == "POST":
            return _texts_without_a_draft(request)
        return _link_not_valid(request, draft=True)
    competition = draft.competition
    is_open = competition.phase == Phase.NOMINATION
    if request.method in ("GET", "HEAD"):
        if is_open:
            form = NominationForm(initial=draft.data, criteria=criteria())
        else:
            form = NominationForm.showing(
                draft.data,
                criteria=criteria(),
                error=_(
                    "Ehdotusaika on päättynyt, joten luonnosta ei voi enää lähettää. "
                    "Voit kopioida kirjoittamasi tekstit talteen alta."
                ),
            )
        return _form_page(request, form, draft=draft, token=token)
    form = NominationForm(request.POST, request.FILES or None, criteria=criteria())
    if request.POST.get("action") == "draft":
        return _draft_save_page(request, form, competition=competition, draft=draft, token=token)
    if not form.is_valid():
        # Nothing typed is lost: the texts are saved in the draft as they are.
        with contextlib.suppress(_DraftRefused):
            _save_draft(request, form, competition=competition, draft=draft)
        return _form_page(request, form, draft=draft, token=token, status=400)
    return _submit(request, form, competition=competition, draft=draft, token=token)


def _texts_without_a_draft(request):
    """A draft's form sent after the draft was sent as a nomination (a second tab, a double
    click) or erased: the texts come back on the new nomination form, to send or copy."""
    typed = NominationForm(request.POST, criteria=criteria())
    form = NominationForm.showing(
        typed.draft_texts(),
        criteria=typed.criteria,
        error=_(
            "Tämä luonnos on jo lähetetty ehdotukseksi tai poistettu, joten tekstejä ei "
            "tallennettu siihen. Ne ovat alla: tarkista sähköpostistasi, onko ehdotus jo "
            "vastaanotettu, ennen kuin lähetät ne uutena ehdotuksena."
        ),
    )
    return _form_page(request, form, status=410, action=reverse("nominations:nominate"))


@require_POST
def draft_autosave(request, token: str | None = None):
    """The form's own saving (static/nominations/draft.js), every 30 s and when a field is
    left: JSON with a message to show and, for a new draft, its address."""
    draft = None
    if token is not None:
        draft = draft_for_token(token)
        if draft is None:
            return JsonResponse(
                {"message": _("Luonnosta ei löytynyt: se on ehkä jo lähetetty ehdotukseksi.")},
                status=404,
            )
    competition = draft.competition if draft else public_competition()
    form = NominationForm(request.POST, criteria=criteria())
    try:
        saved = _save_draft(request, form, competition=competition, draft=draft)
    except _DraftRefused as refused:
        return JsonResponse({"message": refused.message}, status=refused.status)
    return JsonResponse(
        {
            "message": _saved_message(saved),
            "url": saved.draft.private_url(saved.token),
            "save_url": reverse("nominations:draft_autosave", kwargs={"token": saved.token}),
        }
    )


@require_safe
def nomination_detail(request, token: str):
    nomination = nomination_for_token(token)
    if nomination is None:
        return _link_not_valid(request)
    return render(
        request,
        "nominations/detail.html",
        {"nomination": nomination, "token": token, "editable": can_edit_through_link(nomination)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def nomination_edit(request, token: str):
    nomination = nomination_for_token(token)
    if nomination is None:
        return _link_not_valid(request)
    if not can_edit_through_link(nomination):
        messages.error(request, _("Ehdotusaika on päättynyt, joten ehdotusta ei voi enää muokata."))
        return render(
            request,
            "nominations/detail.html",
            {"nomination": nomination, "token": token, "editable": False},
            status=403,
        )
    form = NominationForm(
        request.POST or None, request.FILES or None, instance=nomination, criteria=criteria()
    )
    if request.method in ("GET", "HEAD") or not form.is_valid():
        return _form_page(
            request,
            form,
            nomination=nomination,
            token=token,
            status=200 if request.method in ("GET", "HEAD") else 400,
        )
    try:
        services.nomination_update(
            nomination=nomination,
            data=form.cleaned_data,
            answers=form.answers(),
            uploads=form.cleaned_data["attachments"],
            remove_attachment_ids=[a.pk for a in form.cleaned_data["remove_attachments"]],
        )
    except services.NominationClosed as closed:
        form.add_error(None, closed)
        return _form_page(request, form, nomination=nomination, token=token, status=403)
    messages.success(request, _("Muutokset on tallennettu."))
    return redirect("nominations:detail", token=token)


@require_http_methods(["GET", "HEAD", "POST"])
def nomination_withdraw(request, token: str):
    nomination = nomination_for_token(token)
    if nomination is None:
        return _link_not_valid(request)
    if request.method == "POST":
        try:
            services.nomination_withdraw(nomination=nomination)
        except services.NominationClosed as closed:
            messages.error(request, closed.message)
        else:
            messages.success(
                request, _("Ehdotus on peruttu. Lähetimme vahvistuksen sähköpostiisi.")
            )
        return redirect("nominations:detail", token=token)
    if not can_edit_through_link(nomination):
        return redirect("nominations:detail", token=token)
    return render(request, "nominations/withdraw.html", {"nomination": nomination, "token": token})


@require_safe
def nomination_attachment(request, token: str, pk: int):
    """An attachment, for the nominator whose private link it belongs to."""
    nomination = _nomination_or_404(token)
    attachment = get_object_or_404(Attachment, pk=pk, nomination=nomination)
    return attachment_response(attachment)


@require_safe
def attachment_download(request, pk: int):
    """An attachment, for staff who may read nominations and have signed in with their second
    factor; a 404 for everybody else (and a line in the audit log)."""
    if not (can_view_nominations(request.user) and request.user.is_verified()):
        audit.record(audit.Action.REFUSED, request=request, target=request.path)
        raise Http404
    return attachment_response(get_object_or_404(Attachment, pk=pk))


@require_http_methods(["GET", "HEAD", "POST"])
def resend_link(request):
    form = ResendLinkForm(request.POST or None)
    competition = public_competition()
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        allowed = hit(RESEND_LIMIT, client_address(request)) and hit(
            RESEND_PER_ADDRESS_LIMIT, email
        )
        if not allowed:
            form.add_error(
                None, _("Liian monta pyyntöä lyhyessä ajassa. Yritä uudelleen tunnin kuluttua.")
            )
            return render(request, "nominations/resend.html", {"form": form}, status=429)
        if competition is not None:
            services.nomination_resend_links(competition=competition, email=email)
        # The same answer whether or not the address has nominations.
        messages.info(
            request,
            _(
                "Jos osoitteella on tämän vuoden ehdotuksia tai luonnoksia, lähetimme niiden "
                "linkit osoitteeseen %(email)s. Ehdotusten aiemmat linkit eivät enää toimi; "
                "luonnosten linkit pysyvät samoina."
            )
            % {"email": email},
        )
        return redirect("nominations:resend")
    return render(
        request,
        "nominations/resend.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
