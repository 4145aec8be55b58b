from datetime import UTC

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import mail, services
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.dates import last_day_text
from core.forms import CompetitionForm, SiteSettingsForm
from core.models import AuditEvent, Competition, Criterion, OutgoingEmail, SiteSettings
from core.permissions import can_resend_email


@admin.register(Competition)
class CompetitionAdmin(GuardedAdmin, admin.ModelAdmin):
    form = CompetitionForm
    list_display = ["year", "title", "current_phase", "nomination_last_day", "voting_last_day"]
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
                    ("announcement_place_sv", "announcement_place_en"),
                ],
            },
        ),
        (
            _("Aikataulu (Suomen aikaa)"),
            {
                "fields": [
                    ("nomination_opens_on", "nomination_last_day"),
                    "scoring_last_day",
                    ("voting_opens_on", "voting_last_day"),
                    "finalist_count",
                    ("announcement_on", "announcement_place"),
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

    def get_actions(self, request):
        # A year is deleted one at a time, on its own page, where the reason for a refusal
        # can be shown (services.competition_delete).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        competition = self.get_object(request, object_id)
        if competition is not None and self.has_delete_permission(request, competition):
            refusal = services.competition_delete_refusal(competition)
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:hyvakaytanto_competition_change", args=[competition.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.competition_delete(competition=obj, by=request.user)

    def view_on_site(self, competition: Competition) -> str:
        """ "Näytä sivustolla": the year's front page as the public will see it, before it is
        public too (``hyvakaytanto.views.home``'s preview)."""
        return f"{reverse('home')}?esikatselu={competition.year}"

    @admin.display(description=_("vaihe"))
    def current_phase(self, competition: Competition) -> str:
        return competition.phase.label

    @admin.display(description=_("ehdotusajan viimeinen päivä"), ordering="nomination_closes_at")
    def nomination_last_day(self, competition: Competition) -> str:
        return last_day_text(competition.nomination_closes_at)

    @admin.display(description=_("äänestyksen viimeinen päivä"), ordering="voting_closes_at")
    def voting_last_day(self, competition: Competition) -> str:
        return last_day_text(competition.voting_closes_at)


@admin.register(Criterion)
class CriterionAdmin(GuardedAdmin, admin.ModelAdmin):
    """The four criteria are fixed; staff may polish their wording, not add or remove them."""

    list_display = ["number", "name_fi", "name_sv", "name_en"]
    readonly_fields = ["number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
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


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the site has sent and what it could not: the worker tries a failed message again
    for EMAIL_RETRY_HOURS; after that it waits here for "Lähetä uudelleen"."""

    list_display = ["state", "created", "recipients", "subject", "attempts", "last_error"]
    list_display_links = ["subject"]
    list_filter = ["state", "created_at"]
    search_fields = ["recipients", "subject"]
    ordering = ["-created_at", "-pk"]
    fields = [
        "created_at",
        "queued_at",
        "state",
        "subject",
        "recipients",
        "attempts",
        "last_error",
        "sent_at",
    ]
    actions = ["resend"]
    list_per_page = 100

    @admin.display(description=_("luotu"), ordering="created_at")
    def created(self, email: OutgoingEmail) -> str:
        return formats.date_format(timezone.localtime(email.created_at), "SHORT_DATETIME_FORMAT")

    def has_resend_permission(self, request) -> bool:
        return can_resend_email(request.user)

    @admin.action(description=_("Lähetä uudelleen"), permissions=["resend"])
    def resend(self, request, queryset):
        count = mail.email_resend(emails=queryset)
        skipped = queryset.count() - count
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d viesti on taas jonossa lähetettäväksi.",
                    "%(count)d viestiä on taas jonossa lähetettäväksi.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext(
                    "Vain epäonnistuneet viestit lähetetään uudelleen; muut valitut ohitettiin."
                ),
                messages.WARNING,
            )


@admin.register(SiteSettings)
class SiteSettingsAdmin(GuardedAdmin, admin.ModelAdmin):
    """One row: its list opens the row itself, which exists from its first save (until then
    the page shows the defaults)."""

    form = SiteSettingsForm
    fields = ["name", "primary_colour", "logo", "icon", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_object(self, request, object_id, from_field=None):
        if object_id != str(SiteSettings.SINGLE_ROW):
            return None
        return super().get_object(request, object_id, from_field) or SiteSettings()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(
            reverse("admin:hyvakaytanto_sitesettings_change", args=[SiteSettings.SINGLE_ROW])
        )

    def save_model(self, request, obj, form, change):
        services.site_settings_save(site_settings=obj)
