"""The panel (staff seat jurors, the chair follows their progress), and the read-only
records of scores and conflicts with their history, for staff."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import dates
from core.admin_mixins import GuardedAdmin, ReadOnlyAdminMixin
from core.models import Competition
from jury import permissions, queries, services
from jury.admin.access import (
    chaired_years,
    visible_competition_ids,
)
from jury.models import (
    ConflictOfInterest,
    JuryMember,
    Score,
)

# --- The panel -------------------------------------------------------------------------------


@admin.register(JuryMember)
class JuryMemberAdmin(GuardedAdmin, admin.ModelAdmin):
    """Staff seat jurors; the chair follows each juror's progress here."""

    list_display = [
        "__str__",
        "competition",
        "role",
        "organisation",
        "progress",
        "conflicts",
        "done",
    ]
    actions = ["remind", "reopen"]
    list_per_page = 200
    list_filter = ["competition", "role"]
    list_select_related = ["user", "competition"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation"]
    autocomplete_fields = ["user"]

    def has_module_permission(self, request) -> bool:
        # A juror who chairs no year would only ever see an empty list.
        return super().has_module_permission(request) and (
            permissions.can_seat_jurors(request.user) or bool(visible_competition_ids(request))
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        queryset = queries.juror_progress(Competition.objects.values("pk"))
        if permissions.can_seat_jurors(request.user):
            return queryset
        return queryset.filter(competition__in=visible_competition_ids(request))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.juror_seat(seat=obj)

    def has_chair_permission(self, request) -> bool:
        return bool(chaired_years(request))

    @admin.display(description=_("pisteytetty"), ordering="scored")
    def progress(self, member) -> str:
        return f"{member.scored} / {member.nomination_total}"

    @admin.display(description=_("esteellisyyksiä"), ordering="conflict_count")
    def conflicts(self, member) -> int:
        return member.conflict_count

    @admin.display(description=_("valmis"), ordering="done_at")
    def done(self, member) -> str:
        return dates.moment_text(member.done_at) if member.done_at else "–"

    @admin.action(description=_("Lähetä muistutus nyt (puheenjohtaja)"), permissions=["chair"])
    def remind(self, request, queryset):
        sent = 0
        for seat in queryset.select_related("competition", "user"):
            try:
                sent += services.juror_remind_now(seat=seat, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext(
                        "%(seat)s: vain vuoden puheenjohtaja voi muistuttaa, ja vain "
                        "arviointiaikana."
                    )
                    % {"seat": seat},
                    messages.ERROR,
                )
        self.message_user(
            request,
            gettext(
                "Muistutus lähetettiin %(count)d jäsenelle; ne, joilla ei ole mitään "
                "arvioimatta, ohitettiin."
            )
            % {"count": sent},
        )

    @admin.action(
        description=_("Avaa valittujen arviointi uudelleen (puheenjohtaja)"), permissions=["chair"]
    )
    def reopen(self, request, queryset):
        reopened = 0
        for seat in queryset.select_related("competition", "user"):
            try:
                services.juror_reopen(seat=seat, by=request.user)
                reopened += 1
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext(
                        "%(seat)s: vain vuoden puheenjohtaja voi avata arvioinnin, ja vain "
                        "ennen arvioinnin määräaikaa."
                    )
                    % {"seat": seat},
                    messages.ERROR,
                )
        if reopened:
            self.message_user(
                request,
                gettext("%(count)d jäsenen arviointi avattiin uudelleen.") % {"count": reopened},
            )


# --- History, for staff ---------------------------------------------------------------------------


class StaffHistoryAdmin(GuardedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only records with their history, for staff who may see every score."""

    def has_module_permission(self, request) -> bool:
        return permissions.can_oversee_jury(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_oversee_jury(request.user)


@admin.register(Score)
class ScoreAdmin(StaffHistoryAdmin):
    list_display = ["nomination", "juror", "criterion", "value", "updated_at"]
    list_filter = ["nomination__competition", "criterion"]
    list_select_related = ["nomination", "juror__user", "juror__competition", "criterion"]
    search_fields = ["nomination__practice_name", "juror__user__username"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(StaffHistoryAdmin):
    list_display = ["nomination", "juror", "reason", "declared_at"]
    list_filter = ["nomination__competition"]
    list_select_related = ["nomination", "juror__user", "juror__competition"]
