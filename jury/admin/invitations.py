"""Invitations: staff invite jurors, the chair and communications staff, and follow which
invitations wait and which were accepted. Resending and revoking are actions on the list."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import GuardedAdmin
from core.models import Competition
from jury import services
from jury.enums import InvitationRole
from jury.models import Invitation


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["first_name", "last_name", "email", "role", "competition", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("competition")
        if field is None:  # a sent invitation's page, read-only
            return
        field.queryset = Competition.objects.filter(results_published_at__isnull=True).order_by(
            "-year"
        )
        field.help_text = _(
            "Raadin jäsen ja puheenjohtaja kutsutaan yhden vuoden raatiin; viestinnän tunnus ei "
            "kuulu mihinkään vuoteen. Vuodet, joiden tulokset on julkaistu, eivät ole valittavissa."
        )
        newest = field.queryset.first()
        if newest is not None and not self.is_bound:
            self.initial.setdefault("competition", newest.pk)

    def clean(self):
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if role == InvitationRole.STAFF:
            # Communications staff belong to no year, whatever the year field still shows.
            data["competition"] = None
        if email and role:
            competition = data.get("competition")
            refusal = services.invitation_refusal(email=email, role=role, competition=competition)
            if refusal:
                raise ValidationError(refusal)
        return data


class StatusFilter(admin.SimpleListFilter):
    title = _("tila")
    parameter_name = "tila"

    def lookups(self, request, model_admin):
        return [
            ("odottaa", _("Odottaa")),
            ("hyvaksytty", _("Hyväksytty")),
            ("vanhentunut", _("Vanhentunut")),
            ("peruttu", _("Peruttu")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        unused = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        return {
            "odottaa": unused.filter(expires_at__gt=now),
            "hyvaksytty": queryset.filter(accepted_at__isnull=False),
            "vanhentunut": unused.filter(expires_at__lte=now),
            "peruttu": queryset.filter(revoked_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(Invitation)
class InvitationAdmin(GuardedAdmin, admin.ModelAdmin):
    form = InvitationForm
    list_display = ["full_name", "email", "role", "year", "state", "valid_until"]
    list_filter = [StatusFilter, "role", "competition"]
    list_select_related = ["competition"]
    search_fields = ["first_name", "last_name", "email"]
    actions = ["resend", "revoke"]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "email"]}),
        (None, {"fields": ["role", "competition", "organisation"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "competition" and field is not None:
            # The year is chosen here, not edited or added (the admin wraps the widget last).
            for ability in ("can_add_related", "can_change_related", "can_view_related"):
                setattr(field.widget, ability, False)
        return field

    def has_change_permission(self, request, obj=None) -> bool:
        # Nothing in a sent invitation is edited: a wrong one is revoked and sent again.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [
            (None, {"fields": ["first_name", "last_name", "email", "role", "competition"]}),
            (
                None,
                {
                    "fields": [
                        "organisation",
                        "state",
                        "invited_by",
                        "created_at",
                        "sent_at",
                        "expires_at",
                        "accepted_at",
                        "revoked_at",
                        "user",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            field
            for fieldset in self.get_fieldsets(request, obj)
            for field in fieldset[1]["fields"]
        ]

    def save_model(self, request, obj, form, change):
        # The form checked the refusals; the service checks them again under its transaction.
        try:
            created = services.invitation_create(
                first_name=obj.first_name,
                last_name=obj.last_name,
                email=obj.email,
                role=obj.role,
                competition=obj.competition,
                organisation=obj.organisation,
                by=request.user,
            )
        except ValidationError:
            # A second click a moment after the first: that one's invitation went.
            created = Invitation.objects.filter(
                email__iexact=obj.email.strip(),
                competition=obj.competition,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            ).first()
            if created is None:
                raise
        obj.pk = created.pk

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            gettext(
                "Kutsu on lähetetty osoitteeseen %(email)s. Linkki toimii %(days)d päivää; "
                "kutsun tila näkyy tällä listalla."
            )
            % {"email": obj.email, "days": settings.INVITATION_VALID_DAYS},
            messages.SUCCESS,
        )
        return self.response_post_save_add(request, obj)

    def log_addition(self, request, obj, message):
        # The audit log has the invitation (services.invitation_create).
        return None

    @admin.display(description=_("nimi"), ordering="last_name")
    def full_name(self, invitation: Invitation) -> str:
        return invitation.full_name

    @admin.display(description=_("tila"))
    def state(self, invitation: Invitation) -> str:
        return invitation.status()

    @admin.display(description=_("linkki voimassa"), ordering="expires_at")
    def valid_until(self, invitation: Invitation) -> str:
        if invitation.accepted_at or invitation.revoked_at:
            return "–"
        return timezone.localtime(invitation.expires_at).strftime("%-d.%-m.%Y")

    @admin.display(description=_("vuosi"), ordering="competition__year")
    def year(self, invitation: Invitation) -> str:
        return str(invitation.competition.year) if invitation.competition_id else "–"

    @admin.action(
        description=_("Lähetä uusi linkki (vanha lakkaa toimimasta)"), permissions=["add"]
    )
    def resend(self, request, queryset):
        self._each(
            request, queryset, services.invitation_resend, gettext("Uusi linkki lähetetty: %d.")
        )

    @admin.action(description=_("Peru kutsu (linkki lakkaa toimimasta)"), permissions=["add"])
    def revoke(self, request, queryset):
        self._each(request, queryset, services.invitation_revoke, gettext("Kutsuja peruttu: %d."))

    def _each(self, request, queryset, service, done_text: str) -> None:
        done, refused = 0, []
        for invitation in queryset:
            try:
                service(invitation=invitation, by=request.user)
            except ValidationError as error:
                refused.append(f"{invitation.email}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            self.message_user(request, done_text % done, messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)
