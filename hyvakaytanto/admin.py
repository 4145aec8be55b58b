from datetime import UTC

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hyvakaytanto.admin_mixins import ReadOnlyAdminMixin
from hyvakaytanto.models import AuditEvent, Competition, Criterion


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "current_phase", "nomination_closes_at", "voting_closes_at"]
    search_fields = ["title", "year"]
    readonly_fields = ["finalists_published_at", "results_published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["year", "title", "introduction", "prize_text"]}),
        (
            _("Ruotsiksi ja englanniksi (tyhjä näytetään suomeksi)"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("title_sv", "title_en"),
                    ("introduction_sv", "introduction_en"),
                    ("prize_text_sv", "prize_text_en"),
                ],
            },
        ),
        (
            _("Aikataulu (Suomen aikaa)"),
            {
                "fields": [
                    ("nomination_opens_at", "nomination_closes_at"),
                    "scoring_closes_at",
                    ("voting_opens_at", "voting_closes_at"),
                ]
            },
        ),
        (
            _("Julkaisu"),
            {
                "fields": [
                    "finalists_published_at",
                    "results_published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("vaihe"))
    def current_phase(self, competition: Competition) -> str:
        return competition.phase.label


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """The four criteria are fixed; staff may polish their wording, not add or remove them."""

    list_display = ["number", "name_fi", "name_sv", "name_en"]
    readonly_fields = ["number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log, read-only (the database refuses changes too)."""

    list_display = ["at_utc", "actor", "action", "target", "details"]
    list_filter = ["action", "at"]
    search_fields = ["actor", "target"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False

    @admin.display(description=_("aika (UTC)"), ordering="at")
    def at_utc(self, event: AuditEvent) -> str:
        return event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
