"""The juror's own list of nominations and the scoring screen."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import dates
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.models import Criterion
from jury import permissions, queries, services
from jury.admin.access import (
    has_seat,
    message_refusal,
)
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.forms import ConflictForm, ScoreSheetForm
from jury.models import (
    CalibrationScore,
    CalibrationText,
    ScoringNomination,
)
from nominations.models import Attachment
from nominations.uploads import attachment_response

# --- The juror's own list and the scoring screen ------------------------------------------


def _current_seat(user):
    """The seat the juror's home is about: the one whose scoring is open now, else the newest
    (a juror seated early on next year's panel still finishes this year's scoring)."""
    seats = list(
        permissions.open_seats(user)
        .select_related("competition", "user")
        .order_by("-competition__year")
    )
    open_now = [seat for seat in seats if permissions.scoring_is_open(seat.competition)]
    return (open_now or seats or [None])[0]


@admin.register(ScoringNomination)
class ScoringNominationAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["practice_name", "organisations", "year", "my_status"]
    list_filter = ["competition"]
    search_fields = ["practice_name", "organisations"]
    change_list_template = "admin/jury/scoringnomination/change_list.html"

    def get_queryset(self, request):
        return queries.nominations_for_juror(request.user)

    def get_ordering(self, request):
        # The changelist replaces the queryset's own order with this: the juror's own order.
        return ["-competition__year", "position", "pk"]

    def has_view_permission(self, request, obj=None) -> bool:
        # The list, and the scoring screen (its own change_view); no history page per row.
        return obj is None and has_seat(request)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("vuosi"), ordering="competition__year")
    def year(self, nomination) -> int:
        return nomination.competition.year

    @admin.display(description=_("oma tilanne"), ordering="my_done")
    def my_status(self, nomination) -> str:
        if nomination.my_conflict:
            return gettext("Esteellinen")
        if nomination.my_done:
            return gettext("Pisteytetty")
        return gettext("Arvioimatta")

    def changelist_view(self, request, extra_context=None):
        """The juror's home: the year's deadline, their progress, the way on."""
        seat = _current_seat(request.user)
        context = {}
        if seat is not None:
            states = list(
                self.get_queryset(request)
                .filter(competition=seat.competition)
                .values_list("my_done", flat=True)
            )
            competition = seat.competition
            context = {
                "seat": seat,
                "progress_done": sum(states),
                "progress_total": len(states),
                "next_nomination": queries.next_for_juror(request.user),
                "scoring_open": permissions.scoring_is_open(competition),
                "days_left": dates.days_left(competition.scoring_closes_at),
                "calibration_pending": services.calibration_pending(seat),
            }
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def calibration_view(self, request):
        """The juror scores the chair's calibration texts; once they have, the page shows
        the panel's spread (no names) and the chair's reference scores beside their own,
        with the criteria's guidance. Calibration scores never count."""
        seat = _current_seat(request.user)
        if seat is None:
            raise PermissionDenied
        texts = list(CalibrationText.objects.filter(competition=seat.competition).order_by("pk"))
        if not texts:
            raise Http404
        criteria = list(Criterion.objects.order_by("number"))
        typed: dict = {}
        if request.method == "POST":
            for text in texts:
                for criterion in criteria:
                    value = request.POST.get(f"t{text.pk}_k{criterion.number}", "")
                    if re.fullmatch(r"[1-5]", value):
                        typed.setdefault(text.pk, {})[criterion.number] = int(value)
            try:
                services.calibration_save(seat=seat, values=typed)
            except ValidationError as refused:
                message_refusal(request, refused)
            else:
                messages.success(request, gettext("Kalibrointipisteesi on tallennettu."))
                return redirect("admin:jury_scoringnomination_calibration")
        own: dict = {}
        spread: dict = {}
        for juror, text_id, number, value in CalibrationScore.objects.filter(
            text__in=texts
        ).values_list("juror_id", "text_id", "criterion_number", "value"):
            if juror == seat.pk:
                own[(text_id, number)] = value
            spread.setdefault((text_id, number), {}).setdefault(value, 0)
            spread[(text_id, number)][value] += 1
        done = not services.calibration_pending(seat)
        scale = list(range(SCORE_MIN, SCORE_MAX + 1))
        rows = [
            {
                "text": text,
                "criteria": [
                    {
                        "criterion": criterion,
                        "field": f"t{text.pk}_k{criterion.number}",
                        "value": typed.get(text.pk, {}).get(criterion.number)
                        or own.get((text.pk, criterion.number)),
                        "reference": text.reference.get(str(criterion.number)),
                        "spread": [
                            spread.get((text.pk, criterion.number), {}).get(value, 0)
                            for value in scale
                        ],
                    }
                    for criterion in criteria
                ],
            }
            for text in texts
        ]
        return TemplateResponse(
            request,
            "admin/jury/scoringnomination/calibration.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Kalibrointi ennen arviointia"),
                "opts": self.model._meta,
                "rows": rows,
                "done": done and not typed,
                "scale": scale,
            },
        )

    def done_view(self, request):
        """The juror marks the year's scoring done: a page that says what that locks and who
        can open it again, then the POST that does it."""
        seat = _current_seat(request.user)
        if seat is None:
            raise PermissionDenied
        if request.method != "POST":
            if seat.done_at is not None:
                return redirect("admin:jury_scoringnomination_changelist")
            left = queries.next_for_juror(request.user, competition=seat.competition)
            if left is not None:
                messages.error(
                    request,
                    gettext(
                        "Arvioimatta on vielä ehdotuksia, esimerkiksi ”%(name)s”. Merkitse "
                        "arviointisi valmiiksi, kun olet pisteyttänyt kaikki."
                    )
                    % {"name": left.practice_name},
                )
                return redirect("admin:jury_scoringnomination_changelist")
            return TemplateResponse(
                request,
                "admin/jury/scoringnomination/done_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Merkitäänkö arviointisi valmiiksi?"),
                    "opts": self.model._meta,
                    "seat": seat,
                },
            )
        try:
            services.juror_mark_done(seat=seat)
            messages.success(
                request,
                gettext("Arviointisi on merkitty valmiiksi. Kiitos! Puheenjohtaja näkee sen."),
            )
        except ValidationError as error:
            message_refusal(request, error)
        return redirect("admin:jury_scoringnomination_changelist")

    def get_urls(self):
        return [
            path(
                "valmis/",
                self.admin_site.admin_view(self.done_view),
                name="jury_scoringnomination_done",
            ),
            path(
                "kalibrointi/",
                self.admin_site.admin_view(self.calibration_view),
                name="jury_scoringnomination_calibration",
            ),
            path(
                "<int:nomination_id>/liite/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="jury_scoringnomination_attachment",
            ),
            *super().get_urls(),
        ]

    def _nomination_or_404(self, request, object_id):
        nomination = (
            self.get_queryset(request)
            .prefetch_related("answers__criterion", "attachments")
            .filter(pk=object_id)
            .first()
        )
        if nomination is None:
            raise Http404
        return nomination

    def attachment_view(self, request, nomination_id: int, attachment_id: int):
        nomination = self._nomination_or_404(request, nomination_id)
        return attachment_response(
            get_object_or_404(Attachment, pk=attachment_id, nomination=nomination)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The scoring screen: the nomination beside the score sheet (one read: score_sheet)."""
        data = queries.score_sheet(request.user, object_id)
        if data is None:
            raise Http404
        nomination, seat = data.nomination, data.seat
        sheet = ScoreSheetForm(
            criteria=data.criteria,
            existing=data.own_scores,
            overall=data.own_overall,
            overall_shared=data.own_overall_shared,
        )
        conflict_form = ConflictForm()
        if request.method == "POST":
            try:
                if "withdraw_conflict" in request.POST:
                    services.conflict_withdraw(seat=seat, nomination=nomination)
                    messages.success(
                        request,
                        gettext("Esteellisyys on peruttu. Voit nyt pisteyttää ehdotuksen."),
                    )
                    return redirect(request.path)
                if "declare_conflict" in request.POST:
                    conflict_form = ConflictForm(request.POST)
                    if conflict_form.is_valid():
                        services.conflict_declare(
                            seat=seat,
                            nomination=nomination,
                            reason=conflict_form.cleaned_data["reason"],
                        )
                        messages.success(request, gettext("Esteellisyys on kirjattu."))
                        return redirect(request.path)
                else:
                    sheet = ScoreSheetForm(request.POST, criteria=data.criteria)
                    if sheet.is_valid():
                        services.score_save(
                            seat=seat,
                            nomination=nomination,
                            scores=sheet.scores(),
                            overall_comment=sheet.cleaned_data["overall_comment"],
                            overall_shared=sheet.cleaned_data["overall_shared"],
                        )
                        messages.success(request, gettext("Pisteet on tallennettu."))
                        if "_next" in request.POST:
                            upcoming = data.next_after()
                            if upcoming is None:
                                return redirect("admin:jury_scoringnomination_changelist")
                            return redirect("admin:jury_scoringnomination_change", upcoming)
                        return redirect(request.path)
                    messages.error(
                        request, gettext("Tarkista pisteet: kaikille kriteereille tarvitaan arvo.")
                    )
            except ValidationError as error:
                message_refusal(request, error)
        see_panel = permissions.can_see_panel_scores(data)
        context = {
            **self.admin_site.each_context(request),
            # The screen is wide enough without the admin's navigation beside it.
            "is_nav_sidebar_enabled": False,
            "title": nomination.practice_name,
            "opts": self.model._meta,
            "sheet_data": data,
            "nomination": nomination,
            "seat": seat,
            "sheet": sheet,
            "conflict_reason": data.conflict_reason,
            "conflict_form": conflict_form,
            "can_score": permissions.can_score(data),
            "scoring_open": permissions.scoring_is_open(nomination.competition),
            "panel": data.panel if see_panel else None,
            "panel_comments": data.panel_comments if see_panel else None,
        }
        return TemplateResponse(request, "admin/jury/scoringnomination/score.html", context)
