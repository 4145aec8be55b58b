import re

from django.contrib import admin, messages
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import audit
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.dates import moment_text
from core.models import Competition
from voting import queries, review, services
from voting.forms import DecisionForm
from voting.models import VoteCluster, VoteDecision, VoterMailbox, VoteTally, VotingRules
from voting.permissions import (
    can_handle_voter_requests,
    can_review_votes,
    can_view_tallies,
    can_view_tally,
)
from voting.rules import default_rules_text


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


class _Waiting(admin.SimpleListFilter):
    title = _("tila")
    parameter_name = "tila"

    def lookups(self, request, model_admin):
        return [("odottaa", _("Odottaa päätöstä")), ("paatetty", _("Päätetty"))]

    def queryset(self, request, queryset):
        if self.value() == "odottaa":
            return queryset.filter(decision__isnull=True)
        if self.value() == "paatetty":
            return queryset.filter(decision__isnull=False)
        return queryset


@admin.register(VoteCluster)
class VoteClusterAdmin(GuardedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The vote's review: the clusters the flags found, each with its evidence, its votes and
    what each finalist gains from it, and the decision on it (voting/review.py). Opening the
    list runs the flags on the years under review first, so nothing found waits for the
    worker's next round."""

    list_display = ["label", "kind", "year", "vote_total", "state"]
    list_filter = [_Waiting, "kind", "competition__year"]
    list_select_related = ["competition", "decision"]
    ordering = ["-competition__year", "decision", "-grown_at"]

    def has_module_permission(self, request) -> bool:
        return can_review_votes(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_review_votes(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vote_total=Count("votes"))

    @admin.display(description=_("vuosi"), ordering="competition__year")
    def year(self, cluster) -> int:
        return cluster.competition.year

    @admin.display(description=_("ääniä"), ordering="vote_total")
    def vote_total(self, cluster) -> int:
        return cluster.vote_total

    @admin.display(description=_("päätös"))
    def state(self, cluster) -> str:
        if cluster.decision is None:
            return gettext("Odottaa päätöstä")
        return cluster.decision.get_action_display()

    def changelist_view(self, request, extra_context=None):
        if not can_review_votes(request.user):
            raise PermissionDenied
        for competition in review.reviewable_years():
            review.clusters_refresh(competition)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not can_review_votes(request.user):  # the votes' addresses are on this page
            raise PermissionDenied
        self._visible_or_404(request, object_id)
        cluster = get_object_or_404(
            VoteCluster.objects.select_related("competition", "decision"), pk=object_id
        )
        votes = list(
            cluster.votes.select_related("voter", "finalist__nomination").order_by("cast_at")
        )
        choices = [(vote.pk, _vote_label(vote)) for vote in votes]
        form = DecisionForm(request.POST or None, vote_choices=choices)
        if request.method == "POST" and "peru" in request.POST:
            if not re.fullmatch(r"[0-9]{1,12}", request.POST["peru"]):
                raise Http404
            decision = get_object_or_404(
                VoteDecision, pk=int(request.POST["peru"]), competition=cluster.competition
            )
            try:
                review.decision_reverse(decision=decision, by=request.user, request=request)
            except ValidationError as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("Päätös peruttu."), messages.SUCCESS)
            return redirect(request.path)
        if request.method == "POST" and form.is_valid():
            chosen = form.cleaned_data["votes"]
            try:
                review.votes_decide(
                    competition=cluster.competition,
                    action=form.cleaned_data["action"],
                    rule=form.cleaned_data["rule"],
                    comment=form.cleaned_data["comment"],
                    confirm_by=form.confirm_by_moment(),
                    cluster=cluster,
                    vote_ids=chosen,
                    by=request.user,
                    request=request,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                self.message_user(
                    request,
                    gettext("Päätös tallennettu: %(count)d ääntä.") % {"count": len(chosen)},
                    messages.SUCCESS,
                )
                return redirect("admin:voting_votecluster_changelist")
        decisions = (
            VoteDecision.objects.filter(Q(cluster=cluster) | Q(votes__clusters=cluster))
            .distinct()
            .order_by("-decided_at")
        )
        overlaps = [
            (other, other.shared)
            for other in VoteCluster.objects.filter(votes__clusters=cluster)
            .exclude(pk=cluster.pk)
            .annotate(shared=Count("votes", distinct=True))
            .select_related("decision")
            .order_by("-shared", "pk")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": str(cluster),
            "overlaps": overlaps,
            "opts": self.model._meta,
            "cluster": cluster,
            "votes": votes,
            "gains": review.cluster_gains([cluster.pk]).get(cluster.pk, []),
            "form": form,
            "decisions": decisions,
            "published": cluster.competition.results_published_at is not None,
        }
        return TemplateResponse(request, "admin/voting/votecluster/review.html", context)


def _vote_label(vote) -> str:
    """A vote as the review lists it: when, by which address, for whom, and its standing."""
    address = vote.voter.email if vote.voter else gettext("(äänestäjän tiedot poistettu)")
    standing = (
        gettext("poistettu")
        if vote.removed_rule
        else gettext("vahvistettava")
        if vote.confirm_by
        else gettext("voimassa")
    )
    return (
        f"{moment_text(vote.cast_at)} · {address} · "
        f"{vote.finalist.nomination.practice_name} · {standing}"
    )


@admin.register(VotingRules)
class VotingRulesAdmin(admin.ModelAdmin):
    """The year's voting rules in three languages; the site's default text until saved."""

    list_display = ["competition"]
    fields = ["competition", "text", "text_sv", "text_en"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {
            "text": _(
                "Kappaleet erotetaan tyhjällä rivillä. Sääntösivulla tämän tekstin alla näkyvät "
                "numeroidut poistosäännöt, joita ei muokata täällä: päätökset ja tulokset "
                "viittaavat niihin numeroilla."
            )
        }
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # The newest year that has no rules of its own yet.
        year = Competition.objects.filter(voting_rules__isnull=True).order_by("-year").first()
        if year is not None:
            initial.setdefault("competition", year.pk)
        with translation.override("fi"):
            initial.setdefault("text", default_rules_text())
        with translation.override("sv"):
            initial.setdefault("text_sv", default_rules_text())
        with translation.override("en"):
            initial.setdefault("text_en", default_rules_text())
        return initial
