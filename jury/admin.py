import tablib
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    OrderBy,
    OuterRef,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import dates
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.exports import export_response
from core.models import Competition, Criterion
from core.templatetags.site_tags import moment
from jury import permissions, queries, services, sql, statistics
from jury.enums import Recognition
from jury.forms import ConflictForm, DecisionForm, FinalistForm, ScoreSheetForm
from jury.models import (
    ConflictOfInterest,
    FeedbackRound,
    Finalist,
    JuryMember,
    RankingEntry,
    Score,
    ScoringNomination,
)
from nominations.models import Attachment
from nominations.views import attachment_response


def _has_seat(request) -> bool:
    """Whether the user sits on any panel; asked once per request (the admin asks often)."""
    if not hasattr(request, "_jury_has_seat"):
        # The admin asks this for the anonymous visitor of its login page too.
        request._jury_has_seat = permissions.sits_on_a_panel(request.user)
    return request._jury_has_seat


def _visible_competition_ids(request) -> list[int]:
    """``permissions.years_overseen_by``, once per request (the admin asks often)."""
    if not hasattr(request, "_jury_visible_ids"):
        request._jury_visible_ids = permissions.years_overseen_by(
            request.user, seated=_has_seat(request)
        )
    return request._jury_visible_ids


def _chaired_years(request) -> list[Competition]:
    """``permissions.years_chaired_by``, once per request (the admin asks for the actions
    more than once a page)."""
    if not hasattr(request, "_jury_chaired"):
        request._jury_chaired = permissions.years_chaired_by(request.user)
    return request._jury_chaired


def _chairs_a_year_where(request, is_open) -> bool:
    """Whether the user chairs a year in which ``is_open(year)``: the chair's actions."""
    return any(is_open(competition) for competition in _chaired_years(request))


# --- The juror's own list and the scoring screen ------------------------------------------


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
        return obj is None and _has_seat(request)

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
        seat = (
            JuryMember.objects.filter(user=request.user)
            .select_related("competition")
            .order_by("-competition__year")
            .first()
        )
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
            }
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def done_view(self, request):
        """The juror marks the year's scoring done: a page that says what that locks and who
        can open it again, then the POST that does it."""
        seat = (
            JuryMember.objects.filter(user=request.user)
            .select_related("competition", "user")
            .order_by("-competition__year")
            .first()
        )
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
            messages.error(request, " ".join(error.messages))
        return redirect("admin:jury_scoringnomination_changelist")

    def get_urls(self):
        return [
            path(
                "valmis/",
                self.admin_site.admin_view(self.done_view),
                name="jury_scoringnomination_done",
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
                messages.error(request, " ".join(error.messages))
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


# --- The chair's ranking ------------------------------------------------------------------

RANK_PARAMETER = "jarjestys"


def _standings(request, competition_ids) -> dict:
    """The normalised standings of the years shown, once per request."""
    if not hasattr(request, "_jury_standings"):
        table = {}
        for competition_id in competition_ids:
            table.update(statistics.standings(competition_id))
        request._jury_standings = table
    return request._jury_standings


# The stability chart: one bar per nomination, at most this many (the rest are in the table),
# each under its name so that the chart reads on a phone as well.
CHART_ROWS = 12
CHART_ROW_HEIGHT = 36
CHART_BAR_WIDTH = 300


def _stability_rows(report, names: dict) -> list[dict]:
    """Each nomination's share of resamples in the top N, most often first; ``percent`` is
    the one rounding both the chart and the table show."""
    rows = sorted(
        ((names.get(pk, str(pk)), share) for pk, share in report.top_probability.items()),
        key=lambda row: -row[1],
    )
    return [{"name": name, "share": share, "percent": round(share * 100)} for name, share in rows]


def _stability_chart(stability: list[dict]) -> dict:
    """Bars for the nominations most often in the top N, sized for an inline SVG (no script,
    no style attribute the content security policy would refuse)."""
    rows = [
        {
            **row,
            "text_y": n * CHART_ROW_HEIGHT + 13,
            "bar_y": n * CHART_ROW_HEIGHT + 17,
            "width": round(row["share"] * CHART_BAR_WIDTH),
            "value_x": round(row["share"] * CHART_BAR_WIDTH) + 6,
            "value_y": n * CHART_ROW_HEIGHT + 30,
        }
        for n, row in enumerate(stability[:CHART_ROWS])
    ]
    return {
        "rows": rows,
        "height": len(rows) * CHART_ROW_HEIGHT,
        "width": CHART_BAR_WIDTH + 50,
        # Where a share of 0.8 lies: inside the top N less often than that is "not sure".
        "threshold_x": round(CHART_BAR_WIDTH * 0.8),
    }


class RankingChangeList(ChangeList):
    """The ranking's list, with each row's standing (jurors' totals) attached for its page."""

    def get_results(self, request):
        super().get_results(request)
        table = _standings(request, _visible_competition_ids(request))
        for entry in self.result_list:
            entry.standing = table.get(entry.pk)


class RankingPaginator(Paginator):
    """Counts the rows without computing their aggregates (which the count does not need)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.model.objects.filter(pk__in=self.object_list.values("pk")).count()


class NullsStayLast(OrderBy):
    """An order whose reverse (the column header's second click) keeps empty values last;
    Django's own reverse would put them first."""

    def reverse_ordering(self):
        self.descending = not self.descending
        return self


def downwards_first(field: str) -> OrderBy:
    """A number column's sort: the first click puts the highest first (the order is on the
    negated value), and rows without a value stay last whichever way it is sorted."""
    return NullsStayLast(F(field) * -1, nulls_last=True)


def _mean_column(number: int):
    @admin.display(description=f"K{number}", ordering=downwards_first(f"mean_{number}"))
    def column(self, entry):
        if entry.viewer_conflict:
            return "–"
        value = getattr(entry, f"mean_{number}")
        return "–" if value is None else f"{value:.2f}".replace(".", ",")

    return column


@admin.register(RankingEntry)
class RankingAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "practice_name",
        "mean_1",
        "mean_2",
        "mean_3",
        "mean_4",
        "total_score",
        "normalised_score",
        "juror_totals",
        "juror_count_display",
        "disagreement_flag",
        "conflict_count_display",
        "is_finalist",
    ]
    list_filter = ["competition"]
    search_fields = ["practice_name", "organisations"]
    actions = ["shortlist", "export_csv", "export_xlsx"]
    # A year brings 20–60 nominations, all on one page; at 1,000 (bench/ranking.py) the admin
    # takes 2.7 ms a row to render, so a page of 100 keeps it near half a second.
    list_per_page = 100
    # The full count would run every aggregate once more; the filtered count is enough.
    show_full_result_count = False
    paginator = RankingPaginator

    mean_1 = _mean_column(1)
    mean_2 = _mean_column(2)
    mean_3 = _mean_column(3)
    mean_4 = _mean_column(4)
    change_list_template = "admin/jury/rankingentry/change_list.html"

    def get_ordering(self, request):
        # Best first, unscored last, by the total the chair chose (raw unless normalised was
        # asked for). Without this the changelist would replace the query's own order with
        # the model's (newest first).
        field = "normalised_total" if getattr(request, "_rank_normalised", False) else "total"
        return [OrderBy(F(field), descending=True, nulls_last=True), "practice_name"]

    def changelist_view(self, request, extra_context=None):
        # "?jarjestys=normalisoitu" chooses the column that ranks; the changelist would take
        # an unknown parameter for a filter, so it is taken off the query first.
        request.GET = request.GET.copy()
        request._rank_normalised = request.GET.pop(RANK_PARAMETER, [""])[0] == "normalisoitu"
        criteria = Criterion.objects.order_by("number")
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "criteria_legend": criteria,
                "rank_normalised": request._rank_normalised,
                "overseen_years": _visible_competition_ids(request)[:1],
                # Every column fits 1280 px without the admin's navigation beside the table.
                "is_nav_sidebar_enabled": False,
            },
        )

    def get_queryset(self, request):
        visible = _visible_competition_ids(request)
        mine = JuryMember.objects.filter(user=request.user).values("pk")
        table = _standings(request, visible)
        # The normalised total is computed in numpy (jury/statistics.py) and carried into SQL
        # so that the page can sort by it; the jurors' spread is attached to the page's rows.
        normalised = (
            sql.nomination_value({pk: s.normalised for pk, s in table.items()})
            if table
            else Value(None, output_field=FloatField())
        )

        return queries.ranking(RankingEntry.objects.filter(competition__in=visible)).annotate(
            viewer_conflict=Exists(
                ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), juror__in=mine)
            ),
            finalist_exists=Exists(Finalist.objects.filter(nomination=OuterRef("pk"))),
            normalised_total=normalised,
        )

    def get_changelist(self, request, **kwargs):
        return RankingChangeList

    def get_urls(self):
        return [
            path(
                "luotettavuus/<int:competition_id>/",
                self.admin_site.admin_view(self.reliability_view),
                name="jury_rankingentry_reliability",
            ),
            *super().get_urls(),
        ]

    def reliability_view(self, request, competition_id: int):
        """How sure the jury can be of its ranking, in plain Finnish (jury/statistics.py)."""
        if competition_id not in _visible_competition_ids(request):
            raise Http404
        competition = get_object_or_404(Competition, pk=competition_id)
        # How stable the top places are, as many as the year has finalists.
        report = statistics.reliability(competition_id, top_n=competition.finalist_count)
        names = dict(
            competition.nominations.filter(pk__in=report.top_probability).values_list(
                "pk", "practice_name"
            )
        )
        seats = {
            seat.pk: str(seat)
            for seat in JuryMember.objects.filter(competition=competition).select_related("user")
        }
        stability = _stability_rows(report, names)
        return TemplateResponse(
            request,
            "admin/jury/rankingentry/reliability.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Kuinka varma raati voi olla? %(year)s")
                % {"year": competition.year},
                "report": report,
                "top_n": competition.finalist_count,
                "criteria": Criterion.objects.order_by("number"),
                "stability": stability,
                "stability_chart": _stability_chart(stability),
                "min_positions": statistics.MIN_POSITIONS,
                "jurors": [
                    {
                        "name": seats.get(pk, pk),
                        "leniency": offset,
                        "agreement": report.agreement.get(pk),
                        "position": report.positions.get(pk),
                    }
                    for pk, offset in sorted(report.leniency.items(), key=lambda row: row[1])
                ],
            },
        )

    def has_view_permission(self, request, obj=None) -> bool:
        # A list, no page per row: a nomination's own page (contact data and all) is for
        # staff with the nominations' permission, in their own admin.
        return obj is None and bool(_visible_competition_ids(request))

    def has_shortlist_permission(self, request) -> bool:
        return _chairs_a_year_where(request, permissions.shortlist_is_open)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_list_display_links(self, request, list_display):
        return None

    @admin.display(description=_("vuosi"), ordering="competition__year")
    def year(self, entry) -> int:
        return entry.competition.year

    @admin.display(description=_("yhteensä"), ordering=downwards_first("total"))
    def total_score(self, entry) -> str:
        if entry.viewer_conflict or entry.total is None:
            return "–"
        return f"{entry.total:.2f}".replace(".", ",")

    @admin.display(description=_("normalisoitu"), ordering=downwards_first("normalised_total"))
    def normalised_score(self, entry) -> str:
        if entry.viewer_conflict or entry.normalised_total is None:
            return "–"
        return f"{entry.normalised_total:+.2f}".replace(".", ",").replace("-", "−")

    @admin.display(description=_("arvioijien summat: ka / md / kh"))
    def juror_totals(self, entry) -> str:
        standing = getattr(entry, "standing", None)
        if entry.viewer_conflict or standing is None:
            return "–"
        figures = (standing.juror_mean, standing.juror_median, standing.juror_sd)
        return " / ".join(f"{f:.1f}".replace(".", ",") for f in figures)

    @admin.display(description=_("arvioijia"), ordering=downwards_first("juror_count"))
    def juror_count_display(self, entry) -> int:
        return entry.juror_count

    @admin.display(description=_("erimielisyys (≥ 3)"), ordering=downwards_first("max_spread"))
    def disagreement_flag(self, entry) -> str:
        return gettext("kyllä") if entry.disagreement and not entry.viewer_conflict else ""

    @admin.display(description=_("esteellisiä"), ordering=downwards_first("conflict_count"))
    def conflict_count_display(self, entry) -> int:
        return entry.conflict_count

    @admin.display(
        description=_("finalisti"), ordering=OrderBy(F("finalist_exists"), descending=True)
    )
    def is_finalist(self, entry) -> str:
        return gettext("finalisti") if entry.finalist_exists else ""

    @admin.action(description=_("Valitse finalistiksi"), permissions=["shortlist"])
    def shortlist(self, request, queryset):
        """Shortlist the selected nominations. One that departs from the rules (too many,
        not fully scored, a conflict) waits on a page that names each exception; the chair
        confirms each one by ticking it, or goes back."""
        chosen, waiting = 0, []
        for entry in queryset.order_by("practice_name"):
            confirmed = request.POST.getlist(f"poikkeus_{entry.pk}")
            try:
                services.finalist_shortlist(nomination=entry, by=request.user, confirmed=confirmed)
                chosen += 1
            except services.ShortlistException as exception:
                waiting.append((entry, exception.reasons))
            except (ValidationError, PermissionDenied) as error:
                detail = " ".join(getattr(error, "messages", [])) or gettext("Ei oikeutta.")
                self.message_user(request, f"{entry}: {detail}", messages.ERROR)
        if chosen:
            self.message_user(request, gettext("%(count)d finalistia valittu.") % {"count": chosen})
        if not waiting:
            return None
        if "vahvistettu" in request.POST:
            self.message_user(
                request,
                gettext("Rastita jokainen poikkeus, jonka hyväksyt, tai peruuta."),
                messages.WARNING,
            )
        return TemplateResponse(
            request,
            "admin/jury/rankingentry/shortlist_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Valitse finalistiksi poikkeuksin?"),
                "opts": self.model._meta,
                "waiting": waiting,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _export(self, request, queryset, file_format):
        numbers = queries.criterion_numbers()
        dataset = tablib.Dataset(
            headers=[
                "Vuosi",
                "Käytäntö",
                "Organisaatiot",
                *[f"K{n} keskiarvo" for n in numbers],
                "Yhteensä",
                "Normalisoitu",
                "Arvioijien summien keskiarvo",
                "Arvioijien summien mediaani",
                "Arvioijien summien keskihajonta",
                "Arvioijia",
                "Erimielisyys",
                "Esteellisiä",
                "Finalisti",
            ]
        )
        table = _standings(request, _visible_competition_ids(request))
        for entry in queryset:
            hidden = entry.viewer_conflict
            standing = table.get(entry.pk)
            spread = (
                (None, None, None)
                if hidden or standing is None
                else (standing.juror_mean, standing.juror_median, standing.juror_sd)
            )
            dataset.append(
                [
                    entry.competition.year,
                    entry.practice_name,
                    entry.organisations,
                    *[None if hidden else getattr(entry, f"mean_{n}") for n in numbers],
                    None if hidden else entry.total,
                    None if hidden else entry.normalised_total,
                    *spread,
                    entry.juror_count,
                    "" if hidden else ("kyllä" if entry.disagreement else ""),
                    entry.conflict_count,
                    "kyllä" if entry.finalist_exists else "",
                ]
            )
        return export_response(dataset, file_format=file_format, filename="pisteet")

    @admin.action(description=_("Vie valitut (CSV)"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Vie valitut (XLSX)"))
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")


# --- The panel -------------------------------------------------------------------------------


@admin.register(JuryMember)
class JuryMemberAdmin(GuardedAdmin, admin.ModelAdmin):
    """Staff seat jurors; the chair follows each juror's progress here."""

    list_display = [
        "__str__",
        "competition",
        "role",
        "organisation",
        "progress",
        "conflicts",
        "done",
    ]
    actions = ["remind", "reopen"]
    list_per_page = 200
    list_filter = ["competition", "role"]
    list_select_related = ["user", "competition"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation"]
    autocomplete_fields = ["user"]

    def has_module_permission(self, request) -> bool:
        # A juror who chairs no year would only ever see an empty list.
        return super().has_module_permission(request) and (
            permissions.can_seat_jurors(request.user) or bool(_visible_competition_ids(request))
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        queryset = queries.juror_progress(Competition.objects.values("pk"))
        if permissions.can_seat_jurors(request.user):
            return queryset
        return queryset.filter(competition__in=_visible_competition_ids(request))

    def has_chair_permission(self, request) -> bool:
        return bool(_chaired_years(request))

    @admin.display(description=_("pisteytetty"), ordering="scored")
    def progress(self, member) -> str:
        return f"{member.scored} / {member.nomination_total}"

    @admin.display(description=_("esteellisyyksiä"), ordering="conflict_count")
    def conflicts(self, member) -> int:
        return member.conflict_count

    @admin.display(description=_("valmis"), ordering="done_at")
    def done(self, member) -> str:
        return moment(member.done_at) if member.done_at else "–"

    @admin.action(description=_("Lähetä muistutus nyt (puheenjohtaja)"), permissions=["chair"])
    def remind(self, request, queryset):
        sent = 0
        for seat in queryset.select_related("competition", "user"):
            try:
                sent += services.juror_remind_now(seat=seat, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext(
                        "%(seat)s: vain vuoden puheenjohtaja voi muistuttaa, ja vain "
                        "arviointiaikana."
                    )
                    % {"seat": seat},
                    messages.ERROR,
                )
        self.message_user(
            request,
            gettext(
                "Muistutus lähetettiin %(count)d jäsenelle; ne, joilla ei ole mitään "
                "arvioimatta, ohitettiin."
            )
            % {"count": sent},
        )

    @admin.action(
        description=_("Avaa valittujen arviointi uudelleen (puheenjohtaja)"), permissions=["chair"]
    )
    def reopen(self, request, queryset):
        reopened = 0
        for seat in queryset.select_related("competition", "user"):
            try:
                services.juror_reopen(seat=seat, by=request.user)
                reopened += 1
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext(
                        "%(seat)s: vain vuoden puheenjohtaja voi avata arvioinnin, ja vain "
                        "ennen arvioinnin määräaikaa."
                    )
                    % {"seat": seat},
                    messages.ERROR,
                )
        if reopened:
            self.message_user(
                request,
                gettext("%(count)d jäsenen arviointi avattiin uudelleen.") % {"count": reopened},
            )


# --- Finalists and the jury's decision ---------------------------------------------------------


@admin.register(Finalist)
class FinalistAdmin(GuardedAdmin, SimpleHistoryAdmin):
    list_display = [
        "nomination",
        "year",
        "order",
        "has_statement",
        "has_picture",
        "recognition",
        "decision",
    ]
    # No filter column: a year has four finalists, newest year first, and every column fits
    # 1280 px (the year and the decision are columns of their own).
    ordering = ["-nomination__competition__year", "order", "pk"]
    list_select_related = ["nomination__competition"]
    search_fields = ["nomination__practice_name"]
    form = FinalistForm
    fields = [
        "nomination",
        "statement",
        ("statement_sv", "statement_en"),
        "order",
        "picture",
        "picture_alt",
        "recognition",
        "recognition_statement",
        ("recognition_statement_sv", "recognition_statement_en"),
        "shortlisted_at",
    ]
    readonly_fields = [
        "nomination",
        "recognition",
        "recognition_statement",
        "recognition_statement_sv",
        "recognition_statement_en",
        "shortlisted_at",
    ]
    actions = ["publish", "unshortlist", "decide"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is None or not permissions.can_shortlist(request.user, obj.nomination.competition):
            fields += ["statement", "statement_sv", "statement_en", "order"]
        if not permissions.can_set_finalist_picture(request.user):
            fields += ["picture", "picture_alt"]
        return fields

    def get_queryset(self, request):
        visible = Competition.objects.filter(pk__in=_visible_competition_ids(request))
        deciding = [c.pk for c in visible if permissions.can_decide(request.user, c)]
        queryset = super().get_queryset(request).select_related("nomination__competition")
        return queryset.filter(nomination__competition__in=visible).annotate(
            # For the decision column: whether this user records the decision on the row.
            viewer_decides=Case(
                When(nomination__competition__in=deciding, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def has_module_permission(self, request) -> bool:
        # A juror who chairs no year would only ever see an empty list.
        user = request.user
        return super().has_module_permission(request) and (
            bool(_visible_competition_ids(request))
            or permissions.can_publish_finalists(user)
            or permissions.can_set_finalist_picture(user)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def get_list_display(self, request):
        # The column of decision links only while this user records a decision.
        years = Competition.objects.filter(pk__in=_visible_competition_ids(request))
        if any(permissions.can_decide(request.user, c) for c in years):
            return self.list_display
        return [name for name in self.list_display if name != "decision"]

    def changelist_view(self, request, extra_context=None):
        # The columns fit 1280 px without the admin's navigation beside the table.
        return super().changelist_view(
            request, {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_shortlist_permission(self, request) -> bool:
        return _chairs_a_year_where(request, permissions.shortlist_is_open)

    def has_decide_permission(self, request) -> bool:
        return _chairs_a_year_where(request, permissions.decision_is_open)

    def has_publish_permission(self, request) -> bool:
        return permissions.can_publish_finalists(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return permissions.can_shortlist(
            request.user, obj.nomination.competition
        ) or permissions.can_set_finalist_picture(request.user)

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if changed & {"statement", "statement_sv", "statement_en", "order"}:
            services.finalist_set_statement(
                finalist=obj,
                statement=form.cleaned_data["statement"],
                order=form.cleaned_data["order"],
                by=request.user,
                translations={
                    lang: form.cleaned_data[f"statement_{lang}"] for lang in ("sv", "en")
                },
            )
        if changed & {"picture", "picture_alt"}:
            services.finalist_set_picture(
                finalist=obj,
                picture=form.cleaned_data["picture"],
                alt=form.cleaned_data["picture_alt"],
                by=request.user,
            )

    @admin.display(description=_("vuosi"), ordering="nomination__competition__year")
    def year(self, finalist) -> int:
        return finalist.nomination.competition.year

    @admin.display(description=_("perustelut kirjoitettu"))
    def has_statement(self, finalist) -> str:
        return gettext("kyllä") if finalist.statement else gettext("puuttuu")

    @admin.display(description=_("kuva (vapaaehtoinen)"))
    def has_picture(self, finalist) -> str:
        return gettext("kyllä") if finalist.picture else gettext("ei")

    @admin.display(description=_("kirjaa päätös"))
    def decision(self, finalist) -> str:
        """Links to record the jury's decision on this finalist, for the chair while the
        decision is open (each leads to a confirmation page)."""
        if not finalist.viewer_decides:
            return ""
        url = reverse("admin:jury_finalist_decide_one", args=[finalist.pk])
        return format_html(
            '<a href="{}?tunnustus={}">{}</a> · <a href="{}?tunnustus={}">{}</a>',
            url,
            Recognition.WINNER,
            gettext("Voittajaksi…"),
            url,
            Recognition.HONOURABLE_MENTION,
            gettext("Kunniakirja…"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/paatos/",
                self.admin_site.admin_view(self.decide_one_view),
                name="jury_finalist_decide_one",
            ),
            *super().get_urls(),
        ]

    def decide_one_view(self, request, pk: int):
        """The chair records the jury's decision on one finalist: the choice, its statement,
        and a confirmation of what will be recorded."""
        finalist = get_object_or_404(self.get_queryset(request), pk=pk)
        if not permissions.can_decide(request.user, finalist.nomination.competition):
            raise PermissionDenied
        initial = {"recognition": request.GET.get("tunnustus", Recognition.WINNER)}
        form = DecisionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.finalist_decide(
                    finalist=finalist,
                    recognition=form.cleaned_data["recognition"] or Recognition.NONE,
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                    translations=form.translations(),
                )
            except ValidationError as error:
                form.add_error("statement", error)
            else:
                messages.success(
                    request,
                    gettext("Päätös kirjattu: %(name)s.") % {"name": finalist.nomination},
                )
                return redirect("admin:jury_finalist_changelist")
        return TemplateResponse(
            request,
            "admin/jury/finalist/decide_one.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Raadin päätös: %(name)s") % {"name": finalist.nomination},
                "finalist": finalist,
                "form": form,
            },
        )

    def _each(self, request, queryset, action, done_message):
        done = 0
        for finalist in queryset:
            try:
                action(finalist)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                detail = " ".join(getattr(error, "messages", [])) or gettext("Ei oikeutta.")
                self.message_user(request, f"{finalist}: {detail}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Poista finalistien joukosta"), permissions=["shortlist"])
    def unshortlist(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda f: services.finalist_unshortlist(finalist=f, by=request.user),
            gettext("%(count)d poistettu finalisteista."),
        )

    @admin.action(
        description=_("Julkista valittujen vuosien finalistit (esikatselu ensin)"),
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        competitions = Competition.objects.filter(pk__in=queryset.values("nomination__competition"))
        if "confirm" not in request.POST:
            # Nothing is sent before staff have seen every e-mail and confirmed.
            return TemplateResponse(
                request,
                "admin/jury/finalist/publish_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": gettext("Finalistien julkistaminen: esikatselu"),
                    "previews": [
                        services.finalists_publish_preview(competition=c) for c in competitions
                    ],
                    "selected": queryset.values_list("pk", flat=True),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for competition in competitions:
            try:
                services.finalists_publish(competition=competition, by=request.user)
                self.message_user(
                    request,
                    gettext("Vuoden %(year)s finalistit julkistettu.") % {"year": competition.year},
                )
            except (ValidationError, PermissionDenied) as error:
                detail = " ".join(getattr(error, "messages", [])) or gettext("Ei oikeutta.")
                self.message_user(request, f"{competition}: {detail}", messages.ERROR)

    @admin.action(
        description=_("Kirjaa raadin päätös (voittaja tai kunniakirja)"), permissions=["decide"]
    )
    def decide(self, request, queryset):
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._each(
                request,
                queryset,
                lambda f: services.finalist_decide(
                    finalist=f,
                    recognition=form.cleaned_data["recognition"] or Recognition.NONE,
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                    translations=form.translations(),
                ),
                gettext("Päätös kirjattu %(count)d finalistille."),
            )
            return None
        return TemplateResponse(
            request,
            "admin/jury/finalist/decide.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Kirjaa raadin päätös"),
                "form": form,
                "finalists": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- Feedback to nominees, after the results -------------------------------------------------


@admin.register(FeedbackRound)
class FeedbackRoundAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The years' feedback rounds (who sent them, when, how many e-mails), and for each
    published year still without one, the way to its preview and sending."""

    list_display = ["competition", "sent_by", "sent_at", "letters"]
    list_select_related = ["competition", "sent_by"]
    change_list_template = "admin/jury/feedbackround/change_list.html"

    def has_module_permission(self, request) -> bool:
        return permissions.can_send_feedback(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_send_feedback(request.user)

    def changelist_view(self, request, extra_context=None):
        waiting = Competition.objects.filter(
            results_published_at__lte=timezone.now(), feedback_round__isnull=True
        ).order_by("-year")
        return super().changelist_view(request, {**(extra_context or {}), "waiting": waiting})

    def get_urls(self):
        return [
            path(
                "laheta/<int:competition_id>/",
                self.admin_site.admin_view(self.send_view),
                name="jury_feedbackround_send",
            ),
            *super().get_urls(),
        ]

    def send_view(self, request, competition_id: int):
        """Every nominee's feedback e-mail in full; sent through the queue only after the
        confirmation, once a year."""
        if not permissions.can_send_feedback(request.user):
            raise PermissionDenied
        competition = get_object_or_404(Competition, pk=competition_id)
        if request.method == "POST":
            try:
                round_ = services.feedback_send(competition=competition, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    # Finnish takes the singular after a number: one text for every count.
                    gettext("Palaute on jonossa lähetettäväksi %(count)d ehdottajalle.")
                    % {"count": round_.letters},
                )
                return redirect("admin:jury_feedbackround_changelist")
        return TemplateResponse(
            request,
            "admin/jury/feedbackround/send.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Raadin palaute ehdottajille %(year)s: esikatselu")
                % {"year": competition.year},
                "preview": services.feedback_preview(competition=competition),
            },
        )


# --- History, for staff ---------------------------------------------------------------------------


class StaffHistoryAdmin(GuardedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only records with their history, for staff who may see every score."""

    def has_module_permission(self, request) -> bool:
        return permissions.can_oversee_jury(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_oversee_jury(request.user)


@admin.register(Score)
class ScoreAdmin(StaffHistoryAdmin):
    list_display = ["nomination", "juror", "criterion", "value", "updated_at"]
    list_filter = ["nomination__competition", "criterion"]
    list_select_related = ["nomination", "juror__user", "juror__competition", "criterion"]
    search_fields = ["nomination__practice_name", "juror__user__username"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(StaffHistoryAdmin):
    list_display = ["nomination", "juror", "reason", "declared_at"]
    list_filter = ["nomination__competition"]
    list_select_related = ["nomination", "juror__user", "juror__competition"]
