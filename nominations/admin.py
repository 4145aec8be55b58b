from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit
from core.admin_mixins import HTTPS_URLS, GuardedAdmin
from core.exports import EXPORT_FORMATS, export_response
from core.models import Competition
from nominations import services
from nominations.forms import IneligibleForm
from nominations.models import CriterionAnswer, Nomination, NominationDraft
from nominations.permissions import (
    can_export_nominations,
    can_handle_data_requests,
    can_mark_ineligible,
)
from nominations.queries import export_dataset, nominations_per_competition, nominator_data


def contact_data_response(request, addresses) -> JsonResponse:
    """A data subject's access request: every nomination and draft made with these contact
    addresses, in every year, as one JSON file (written to the audit log)."""
    emails = {email.lower() for email in addresses}
    emails.discard("")
    data = nominator_data(emails)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="yhteyshenkilon-tiedot.json"'
    response["Cache-Control"] = "private, no-store"
    audit.record(
        audit.Action.EXPORT,
        request=request,
        target="yhteyshenkilon-tiedot.json",
        nominations=[n["practice_name"] for n in data["nominations"]],
    )
    return response


class CriterionAnswerInline(admin.StackedInline):
    model = CriterionAnswer
    extra = 0
    can_delete = False
    fields = ["criterion", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Nomination)
class NominationAdmin(GuardedAdmin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    """Nominations are the nominators' words: staff read them and rule, never rewrite them."""

    list_display = [
        "practice_name",
        "organisations",
        "competition_year",
        "region",
        "state",
        "submitted_at",
    ]
    list_filter = ["competition", "state", "region"]
    list_select_related = ["competition"]
    search_fields = ["practice_name", "organisations", "contact_name", "contact_email"]
    date_hierarchy = "submitted_at"
    inlines = [CriterionAnswerInline]
    actions = ["mark_ineligible", "export_contact_data", "erase_contact_data"]
    change_list_template = "admin/nominations/nomination/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "competition",
                    "state",
                    "ineligible_reason",
                    "practice_name",
                    "summary",
                    "organisations",
                    "region",
                    "target_group",
                    "innokyla_url_link",
                ]
            },
        ),
        (_("Liitteet"), {"fields": ["attachment_links"]}),
        (
            _("Yhteyshenkilö"),
            {
                "fields": [
                    "contact_name",
                    "contact_title",
                    "contact_email",
                    "contact_phone",
                    "language",
                    "contact_erased_at",
                ]
            },
        ),
        (
            _("Ajat ja suostumukset"),
            {
                "fields": [
                    "submitted_at",
                    "updated_at",
                    "withdrawn_at",
                    "publish_consent",
                    "privacy_acknowledged_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competition")

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("vuosi"), ordering="competition__year")
    def competition_year(self, nomination: Nomination) -> int:
        return nomination.competition.year

    @admin.display(description=_("Innokylä-linkki"))
    def innokyla_url_link(self, nomination: Nomination) -> str:
        if not nomination.innokyla_url:
            return "–"
        return format_html(
            '<a href="{0}" rel="noopener noreferrer">{0}</a>', nomination.innokyla_url
        )

    @admin.display(description=_("liitteet"))
    def attachment_links(self, nomination: Nomination) -> str:
        attachments = nomination.attachments.all()
        if not attachments:
            return "–"
        return format_html_join(
            mark_safe("<br>"),  # nosec B308
            '<a href="{}">{}</a>',
            (
                (reverse("nominations:attachment_download", args=[a.pk]), a.original_name)
                for a in attachments
            ),
        )

    @admin.action(description=_("Merkitse kelpaamattomaksi (ehdottajalle lähtee viesti)"))
    def mark_ineligible(self, request, queryset):
        if not can_mark_ineligible(request.user):
            raise PermissionDenied
        form = IneligibleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            marked = 0
            for nomination in queryset:
                try:
                    services.nomination_mark_ineligible(
                        nomination=nomination, reason=form.cleaned_data["reason"]
                    )
                    marked += 1
                except ValidationError as error:
                    self.message_user(
                        request, f"{nomination}: {' '.join(error.messages)}", messages.ERROR
                    )
            self.message_user(
                request,
                gettext("%(count)d ehdotusta merkitty kelpaamattomiksi.") % {"count": marked},
            )
            return None
        return TemplateResponse(
            request,
            "admin/nominations/nomination/mark_ineligible.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Merkitse kelpaamattomaksi"),
                "form": form,
                "nominations": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Vie yhteyshenkilön kaikki tiedot (JSON, tietopyyntö)"))
    def export_contact_data(self, request, queryset):
        """A data subject's access request: every nomination by the selected nominations'
        contact e-mail addresses, in every year, as one JSON file."""
        if not can_handle_data_requests(request.user):
            raise PermissionDenied
        return contact_data_response(request, queryset.values_list("contact_email", flat=True))

    @admin.action(description=_("Poista yhteyshenkilön tiedot (pyynnöstä)"))
    def erase_contact_data(self, request, queryset):
        """Erasure on request, after a confirmation page that lists what goes and what stays."""
        if not can_handle_data_requests(request.user):
            raise PermissionDenied
        if "apply" in request.POST:
            # Drafts begun with the same addresses go too.
            services.drafts_erase_for(emails=queryset.values_list("contact_email", flat=True))
            for nomination in queryset:
                services.nomination_contact_erase(nomination=nomination)
                audit.record(audit.Action.ERASED, request=request, target=nomination)
            self.message_user(
                request,
                gettext("Yhteyshenkilön tiedot poistettu %(count)d ehdotuksesta.")
                % {"count": len(queryset)},
            )
            return None
        return TemplateResponse(
            request,
            "admin/nominations/nomination/erase_contact_data.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Poista yhteyshenkilön tiedot"),
                "nominations": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        return [
            path(
                "export/<int:competition_id>/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="nominations_nomination_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, competition_id: int, file_format: str):
        if not can_export_nominations(request.user):
            raise PermissionDenied
        if file_format not in EXPORT_FORMATS:
            return redirect("admin:nominations_nomination_changelist")
        competition = get_object_or_404(Competition, pk=competition_id)
        dataset = export_dataset(competition)
        response = export_response(
            dataset, file_format=file_format, filename=f"ehdotukset-{competition.year}"
        )
        audit.record(
            audit.Action.EXPORT,
            request=request,
            target=f"ehdotukset-{competition.year}.{file_format}",
            rows=len(dataset),
        )
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "per_competition": nominations_per_competition(),
            "can_export": can_export_nominations(request.user),
        }
        return super().changelist_view(request, extra_context)


@admin.register(NominationDraft)
class NominationDraftAdmin(GuardedAdmin, admin.ModelAdmin):
    """Unsent drafts, for answering a contact person's request only: who began one and when,
    never its texts on screen (the jury and the counts never see drafts). Their texts are in
    the JSON a request exports."""

    list_display = ["contact_email", "competition", "created_at", "updated_at", "reminded_at"]
    list_filter = ["competition"]
    search_fields = ["contact_email"]
    fields = ["contact_email", "competition", "language", "created_at", "updated_at"]
    readonly_fields = fields
    actions = ["export_contact_data", "erase_drafts"]

    def has_module_permission(self, request) -> bool:
        return can_handle_data_requests(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_handle_data_requests(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # erased by the action below, which says what it does

    def get_actions(self, request):
        return super().get_actions(request) if can_handle_data_requests(request.user) else {}

    @admin.action(description=_("Vie osoitteen kaikki tiedot (JSON, tietopyyntö)"))
    def export_contact_data(self, request, queryset):
        if not can_handle_data_requests(request.user):
            raise PermissionDenied
        return contact_data_response(request, queryset.values_list("contact_email", flat=True))

    @admin.action(description=_("Poista osoitteen luonnokset (pyynnöstä)"))
    def erase_drafts(self, request, queryset):
        if not can_handle_data_requests(request.user):
            raise PermissionDenied
        addresses = queryset.values_list("contact_email", flat=True)
        emails = sorted({email.lower() for email in addresses})
        if "apply" not in request.POST:
            return TemplateResponse(
                request,
                "admin/nominations/nominationdraft/erase_drafts.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Poista ehdotusluonnokset"),
                    "emails": emails,
                    "drafts": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        erased = services.drafts_erase_for(emails=emails)
        audit.record(audit.Action.ERASED, request=request, target=f"{erased} luonnosta")
        self.message_user(request, gettext("Poistettu %(count)d luonnosta.") % {"count": erased})
        return None
