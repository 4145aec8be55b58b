"""Finalists and the jury's decision."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Value,
    When,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import GuardedAdmin
from core.models import Competition
from jury import permissions, services
from jury.admin.access import (
    chairs_a_year_where,
    visible_competition_ids,
)
from jury.enums import Recognition
from jury.forms import DecisionForm, FinalistForm
from jury.models import (
    Finalist,
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
        visible = Competition.objects.filter(pk__in=visible_competition_ids(request))
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
            bool(visible_competition_ids(request))
            or permissions.can_publish_finalists(user)
            or permissions.can_set_finalist_picture(user)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def get_list_display(self, request):
        # The column of decision links only while this user records a decision.
        years = Competition.objects.filter(pk__in=visible_competition_ids(request))
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
        return chairs_a_year_where(request, permissions.shortlist_is_open)

    def has_decide_permission(self, request) -> bool:
        return chairs_a_year_where(request, permissions.decision_is_open)

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
