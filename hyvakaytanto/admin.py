"""Staff and jury accounts in the admin ("Käyttäjät").

Accounts are made by invitation (``jury.admin.invitations``): "Lisää käyttäjä" leads there
for communications staff. On an existing account they can do one thing, switch it off, which
ends its sessions at once; names, roles and rights stay as they are (a superuser keeps
Django's full form). Voters' accounts have a screen of their own in the vote's admin.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import services
from jury.permissions import can_invite

User = get_user_model()


class AccountAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "roles", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    actions = ["deactivate"]

    def _limited(self, request) -> bool:
        return not request.user.is_superuser

    def get_list_filter(self, request):
        if self._limited(request):
            return ["is_active", "groups"]  # every account here is staff's or a juror's
        return super().get_list_filter(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if self._limited(request):
            return queryset.filter(is_staff=True)
        return queryset

    def get_fieldsets(self, request, obj=None):
        if obj is None or not self._limited(request):
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": ["username", "first_name", "last_name", "email"]}),
            (_("Käyttö"), {"fields": ["is_active", "roles", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or not self._limited(request):
            return super().get_readonly_fields(request, obj)
        editable = {"is_active"} if self._may_deactivate(request, obj) else set()
        return [
            field
            for fieldset in self.get_fieldsets(request, obj)
            for field in fieldset[1]["fields"]
            if field not in editable
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and self._limited(request) and "is_active" in form.base_fields:
            form.base_fields["is_active"].help_text = _(
                "Kun poistat rastin ja tallennat, tili ei voi enää kirjautua ja sen istunnot "
                "päättyvät heti. Sen työ säilyy historiassa. Käyttöön tili palaa uudella kutsulla."
            )
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self._limited(request):
            # One thing to do here, switching the account off: one button.
            extra_context = {
                **(extra_context or {}),
                "show_save_and_add_another": False,
                "show_save_and_continue": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _may_deactivate(self, request, account) -> bool:
        return not services.account_deactivation_refusal(account=account, by=request.user)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) or can_invite(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        if self._limited(request) and can_invite(request.user):
            self.message_user(
                request,
                gettext(
                    "Tunnukset tehdään kutsulla: kutsuttu valitsee itse salasanansa ja "
                    "ottaa käyttöön todennussovelluksen."
                ),
                messages.INFO,
            )
            return redirect("admin:jury_invitation_add")
        return super().add_view(request, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # "Save as new" would make an account from another's page, past the invitation.
        if self._limited(request) and "_saveasnew" in request.POST:
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password would be a way into their account (a superuser's too):
        # an invitee sets their own, and a forgotten one is a new invitation.
        if self._limited(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if not (self._limited(request) and change):
            return super().save_model(request, obj, form, change)
        # A limited form changes nothing but "active", and only switches it off here; turning
        # an account back on is a new invitation (a new password and authenticator).
        if "is_active" in form.changed_data and not obj.is_active:
            account = User.objects.get(pk=obj.pk)
            try:
                services.account_deactivate(account=account, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        elif "is_active" in form.changed_data:
            self.message_user(
                request,
                gettext("Tili otetaan uudelleen käyttöön kutsulla (Kutsut → Lisää kutsu)."),
                messages.WARNING,
            )

    @admin.action(
        description=_("Poista valitut tilit käytöstä (istunnot päättyvät heti)"),
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        done, refused = 0, []
        for account in queryset:
            try:
                done += services.account_deactivate(account=account, by=request.user)
            except ValidationError as error:
                refused.append(f"{account.get_username()}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request, gettext("Tilejä poistettu käytöstä: %d.") % done, messages.SUCCESS
            )
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)

    @admin.display(description=_("nimi"), ordering="last_name")
    def full_name(self, account) -> str:
        return account.get_full_name()

    @admin.display(description=_("roolit"))
    def roles(self, account) -> str:
        return ", ".join(group.name for group in account.groups.all()) or "–"


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
