"""The chair's ranking: the list, its exports, the shortlisting action and the reliability
report."""

import tablib
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Exists,
    F,
    FloatField,
    OrderBy,
    OuterRef,
    Value,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.exports import export_response
from core.models import Competition, Criterion
from jury import permissions, queries, services, sql, statistics
from jury.admin.access import (
    chairs_a_year_where,
    visible_competition_ids,
)
from jury.models import (
    ConflictOfInterest,
    Finalist,
    JuryMember,
    RankingEntry,
)

# --- The chair's ranking ------------------------------------------------------------------

RANK_PARAMETER = "jarjestys"


def _ranks_by_normalised(request) -> bool:
    """Whether the chair asked the list to rank by the normalised total (the raw one else)."""
    return request.GET.get(RANK_PARAMETER) == "normalisoitu"


def _standings(competition_ids) -> dict:
    """The normalised standings of the years shown (jury/statistics.py)."""
    table = {}
    for competition_id in competition_ids:
        table.update(statistics.standings(competition_id))
    return table


def _normalised_totals(table: dict):
    """The normalised totals, computed in numpy, carried into SQL so that the list can sort
    by them."""
    if not table:
        return Value(None, output_field=FloatField())
    return sql.nomination_value({pk: standing.normalised for pk, standing in table.items()})


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
    """The ranking's list (``RankingAdmin.get_changelist``). The standings of the years shown
    are computed once for the list; they give the normalised total to sort by and each row's
    jurors' spread. The chair's choice of total (``?jarjestys=normalisoitu``) is not a
    filter, so it is left out of the filter's parameters (it stays in the page's links)."""

    def __init__(self, request, *args, **kwargs):
        self.standings = _standings(visible_competition_ids(request))
        super().__init__(request, *args, **kwargs)

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(RANK_PARAMETER, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        if "normalised_total" not in self.root_queryset.query.annotations:
            self.root_queryset = self.root_queryset.annotate(
                normalised_total=_normalised_totals(self.standings)
            )
        return super().get_queryset(request, exclude_parameters)

    def get_results(self, request):
        super().get_results(request)
        for entry in self.result_list:
            entry.standing = self.standings.get(entry.pk)
        if not (self.query or self.get_filters_params()):
            # Nothing searched or filtered: every row is shown, so the search bar says so
            # rather than offering "Näytä kaikki" (the admin skips the full count here).
            self.full_result_count = self.result_count


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
        field = "normalised_total" if _ranks_by_normalised(request) else "total"
        return [OrderBy(F(field), descending=True, nulls_last=True), "practice_name"]

    def changelist_view(self, request, extra_context=None):
        criteria = Criterion.objects.order_by("number")
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "criteria_legend": criteria,
                "rank_normalised": _ranks_by_normalised(request),
                "overseen_years": visible_competition_ids(request)[:1],
                # Every column fits 1280 px without the admin's navigation beside the table.
                "is_nav_sidebar_enabled": False,
            },
        )

    def get_queryset(self, request):
        visible = visible_competition_ids(request)
        mine = JuryMember.objects.filter(user=request.user).values("pk")
        # The normalised total is added by the list (RankingChangeList), which has the
        # standings it comes from.
        return queries.ranking(RankingEntry.objects.filter(competition__in=visible)).annotate(
            viewer_conflict=Exists(
                ConflictOfInterest.objects.filter(nomination=OuterRef("pk"), juror__in=mine)
            ),
            finalist_exists=Exists(Finalist.objects.filter(nomination=OuterRef("pk"))),
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
        if competition_id not in visible_competition_ids(request):
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
        calibration = statistics.calibration_offsets(competition_id)
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
                "calibrated": bool(calibration),
                "line_swaps": round(100 * report.line_swaps),
                "split_half": report.split_half
                and {
                    "splits": report.split_half.splits,
                    "same": round(100 * report.split_half.same_top),
                    "overlap": round(100 * report.split_half.mean_overlap),
                },
                "min_split_jurors": statistics.MIN_SPLIT_JURORS,
                "jurors": [
                    {
                        "name": seats.get(pk, pk),
                        "leniency": offset,
                        "calibration": calibration.get(pk),
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
        return obj is None and bool(visible_competition_ids(request))

    def has_shortlist_permission(self, request) -> bool:
        return chairs_a_year_where(request, permissions.shortlist_is_open)

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
                "Arvioijien summien keskiarvo ennen keskustelua",
                "Sijoitus ennen keskustelua",
                "Sijoitus keskustelun jälkeen",
            ]
        )
        table = _standings(visible_competition_ids(request))
        # Before and after the meeting's revision round: the same unless scores were revised.
        places = {
            placement.nomination_id: placement
            for competition_id in visible_competition_ids(request)
            for placement in statistics.placements(competition_id)
        }
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
                    *(
                        (None, None, None)
                        if hidden or entry.pk not in places
                        else (
                            places[entry.pk].before_total,
                            places[entry.pk].before,
                            places[entry.pk].after,
                        )
                    ),
                ]
            )
        return export_response(dataset, file_format=file_format, filename="pisteet")

    @admin.action(description=_("Vie valitut (CSV)"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Vie valitut (XLSX)"))
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")
