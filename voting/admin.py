from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyvakaytanto.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from voting import queries
from voting.models import VoteTally
from voting.permissions import can_view_tallies, can_view_tally


@admin.register(VoteTally)
class VoteTallyAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The count and the integrity report: only for staff with the permission, and only once
    voting has closed. Nobody sees a running count."""

    list_display = ["year", "title", "voting_closes_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(voting_closes_at__lte=timezone.now())

    def has_module_permission(self, request) -> bool:
        return can_view_tallies(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        # The list and each year's report (its own change_view); no history page.
        return obj is None and self.has_module_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        competition = get_object_or_404(VoteTally, pk=object_id)
        if not can_view_tally(request.user, competition):
            raise PermissionDenied
        rows = queries.tally(competition)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Äänestyksen tulos ja valvonta: %(year)s") % {"year": competition.year},
            "opts": self.model._meta,
            "competition": competition,
            "rows": rows,
            "total": sum(row.votes for row in rows),
            "votes_per_hour": queries.votes_per_hour(competition),
            "signups_per_hour": queries.signups_per_hour(competition),
            "quick_votes_per_hour": queries.quick_votes_per_hour(competition),
            "crowded_networks": queries.crowded_networks(competition),
            "domains": queries.votes_per_domain(competition),
            "jump_votes": queries.DOMAIN_JUMP_VOTES,
            "jump_factor": queries.DOMAIN_JUMP_FACTOR,
            "quick_minutes": int(queries.QUICK_VOTE.total_seconds() // 60),
            "crowded_at_least": queries.CROWDED_NETWORK,
        }
        return TemplateResponse(request, "admin/voting/votetally/report.html", context)
