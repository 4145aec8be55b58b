from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive import queries, services
from archive.certificates import CERTIFIED_KINDS, certificate_pdf
from archive.charts import Bar, bar_chart
from archive.models import Award, AwardYear, ResultsPublication
from archive.permissions import can_print_certificates, can_publish_results
from core.admin_mixins import HTTPS_URLS, GuardedAdmin, ReadOnlyAdminMixin


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0
    fields = ["kind", "practice_name", "organisation", "innokyla_url", "order"]
    formfield_overrides = HTTPS_URLS


@admin.register(AwardYear)
class AwardYearAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["year", "awarded", "competition"]
    list_filter = ["awarded"]
    list_select_related = ["competition"]
    search_fields = ["year", "note"]
    inlines = [AwardInline]


@admin.register(Award)
class AwardAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["year", "kind", "practice_name", "organisation", "certificate_link"]
    list_filter = ["kind", "year"]
    list_select_related = ["year"]
    search_fields = ["practice_name", "organisation"]
    autocomplete_fields = ["year"]
    raw_id_fields = ["nomination"]
    formfield_overrides = HTTPS_URLS

    @admin.display(description=_("kunniakirja"))
    def certificate_link(self, award: Award) -> str:
        if award.kind not in CERTIFIED_KINDS:
            return "–"
        url = reverse("admin:archive_award_certificate", args=[award.pk])
        return format_html('<a href="{}">PDF</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/kunniakirja/",
                self.admin_site.admin_view(self.certificate_view),
                name="archive_award_certificate",
            ),
            *super().get_urls(),
        ]

    def certificate_view(self, request, pk: int):
        if not can_print_certificates(request.user):
            raise PermissionDenied
        award = get_object_or_404(Award, pk=pk, kind__in=CERTIFIED_KINDS)
        response = HttpResponse(certificate_pdf(award), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="kunniakirja-{award.year_id}-{award.pk}.pdf"'
        )
        return response


@admin.register(ResultsPublication)
class ResultsPublicationAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Publishing a year's results (with a preview) and the staff's statistics."""

    list_display = ["year", "title", "current_phase", "results_published_at"]
    actions = ["publish", "unpublish"]
    change_list_template = "admin/archive/resultspublication/change_list.html"

    @admin.display(description=_("vaihe"))
    def current_phase(self, competition) -> str:
        return competition.phase.label

    def _confirm(self, request, queryset, action: str, template: str, **context):
        return TemplateResponse(
            request,
            f"admin/archive/resultspublication/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "action": action,
                "competitions": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    def has_publish_permission(self, request) -> bool:
        return can_publish_results(request.user)

    @admin.action(description=_("Julkaise tulokset (esikatselu ensin)"), permissions=["publish"])
    def publish(self, request, queryset):
        if not can_publish_results(request.user):
            raise PermissionDenied
        if "confirm" not in request.POST:
            previews = [
                (c, services.results_preview(c), services.results_problems(c)) for c in queryset
            ]
            return self._confirm(
                request,
                queryset,
                "publish",
                "publish_confirm.html",
                title=gettext("Julkaise tulokset"),
                previews=previews,
            )
        for competition in queryset:
            try:
                services.results_publish(competition=competition, by=request.user)
                self.message_user(
                    request,
                    gettext("Vuoden %(year)s tulokset on julkaistu.") % {"year": competition.year},
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{competition}: {' '.join(error.messages)}", messages.ERROR
                )

    @admin.action(description=_("Peru tulosten julkaisu"), permissions=["publish"])
    def unpublish(self, request, queryset):
        if not can_publish_results(request.user):
            raise PermissionDenied
        if "confirm" not in request.POST:
            return self._confirm(
                request,
                queryset,
                "unpublish",
                "unpublish_confirm.html",
                title=gettext("Peru tulosten julkaisu"),
            )
        for competition in queryset:
            services.results_unpublish(competition=competition, by=request.user)
        self.message_user(request, gettext("Julkaisu on peruttu."), messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        statistics = list(queries.competition_statistics())
        by_region = queries.nominations_by_region()
        total = sum(c.nominations_received for c in statistics) or 1
        chart = (
            bar_chart(
                [
                    Bar(str(c.year), c.nominations_received, 100 * c.nominations_received / total)
                    for c in reversed(statistics)
                ],
                title=gettext("Ehdotuksia vuosittain"),
            )
            if statistics
            else None
        )
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "statistics": [(c, by_region.get(c.pk, [])) for c in statistics],
                "statistics_chart": chart,
            },
        )
