"""Feedback to nominees, after the results."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.models import Competition
from jury import permissions, services
from jury.admin.access import (
    message_refusal,
)
from jury.models import (
    FeedbackRound,
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
                message_refusal(request, error)
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
