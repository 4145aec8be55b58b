from django.contrib import admin
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.dates import moment_text
from voting import queries, services
from voting.models import VoterMailbox, VoteTally
from voting.permissions import can_handle_voter_requests, can_view_tallies, can_view_tally


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


@admin.register(VoterMailbox)
class VoterAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A voter's request to see or erase their data: staff find the voter by address, send
    them everything the site holds, or erase the account (an audit entry either way)."""

    list_display = ["canonical", "joined", "years_voted"]
    search_fields = ["canonical", "user__email"]
    list_select_related = ["user"]
    actions = ["export_voter_data", "erase_voter"]
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return can_handle_voter_requests(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_handle_voter_requests(request.user)

    def has_requests_permission(self, request) -> bool:
        return can_handle_voter_requests(request.user)

    def get_queryset(self, request):
        # Only voters: a staff account has no mailbox row, but never show one by mistake.
        # The years each voted, in the list's one query.
        return (
            super()
            .get_queryset(request)
            .filter(user__is_staff=False)
            .annotate(years=ArrayAgg("user__votes__competition__year", default=[]))
        )

    @admin.display(description=_("liittynyt"), ordering="user__date_joined")
    def joined(self, mailbox) -> str:
        return moment_text(mailbox.user.date_joined)

    @admin.display(description=_("äänestänyt vuosina"))
    def years_voted(self, mailbox) -> str:
        years = sorted(year for year in mailbox.years if year is not None)
        return ", ".join(str(year) for year in years) or "–"

    @admin.action(
        description=_("Vie äänestäjän kaikki tiedot (JSON, tietopyyntö)"),
        permissions=["requests"],
    )
    def export_voter_data(self, request, queryset):
        data = [services.voter_data(mailbox.user) for mailbox in queryset.select_related("user")]
        response = JsonResponse(
            {"voters": data},
            encoder=DjangoJSONEncoder,
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = 'attachment; filename="aanestajan-tiedot.json"'
        response["Cache-Control"] = "private, no-store"
        for mailbox in queryset:
            audit.record(
                audit.Action.EXPORT,
                request=request,
                target=services.voter_pseudonym(mailbox.user),
            )
        return response

    @admin.action(
        description=_("Poista äänestäjän tili ja tiedot (pyynnöstä)"), permissions=["requests"]
    )
    def erase_voter(self, request, queryset):
        """Erasure on request, after a page that says what goes and what stays."""
        mailboxes = list(queryset.select_related("user"))
        if "apply" in request.POST:
            for mailbox in mailboxes:
                services.voter_delete_account(voter=mailbox.user, by=request.user, request=request)
            self.message_user(
                request,
                gettext("%(count)d äänestäjän tili ja tiedot poistettu.")
                % {"count": len(mailboxes)},
            )
            return None
        return TemplateResponse(
            request,
            "admin/voting/votermailbox/erase_voter.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Poista äänestäjän tiedot"),
                "mailboxes": mailboxes,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
