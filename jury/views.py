"""The invitation link: the one page of the jury's work outside the admin.

A new invitee sets a password, then enrols an authenticator app by typing one code back; the
account is then switched on, seated, signed in with both factors, and shown its recovery
codes. Someone who already has an active staff account signs in and accepts. Which step a
browser is on lives in its session (in the database), so any node can answer the next one.
"""

import django_otp
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model, login, password_validation
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from core.second_factor import CodeForm, grouped_secret, qr_code_svg
from core.signals import track_session
from jury import queries, services
from jury.models import Invitation

ENROLLING = "invitation_enrolling"
# Read by the admin's recovery-codes page, which shows them once (hyvakaytanto/admin_site.py).
FRESH_RECOVERY_CODES = "fresh_recovery_codes"
SIGN_IN_BACKEND = "core.backends.PasswordBackend"


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("Salasana"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("Salasana uudelleen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Salasanat eivät ole samat."))
        elif first:
            person = get_user_model()(
                username=self.invitation.email,
                email=self.invitation.email,
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
            )
            try:
                password_validation.validate_password(first, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


@never_cache
@sensitive_post_parameters("password1", "password2", "code")
def invitation(request, token: str):
    found = queries.invitation_by_token(token)
    if found is None:
        return _closed(request, "unknown", status=404)
    if not found.is_open():
        return _closed(request, _why_closed(found))
    context = {
        "invitation": found,
        "title": _("Kutsu"),
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
    }
    account = services.existing_account(found)
    if account is not None:
        return _accept_signed_in(request, found, account, context)
    if request.session.get(ENROLLING) == found.pk:
        device = services.enrolment_device(found)
        if device is not None:
            return _enrol(request, found, device, context)
    form = PasswordForm(request.POST or None, invitation=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_set_password(
                invitation=found, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[ENROLLING] = found.pk
            return redirect(request.path)
    return render(request, "jury/invitation/password.html", {**context, "form": form})


def _enrol(request, found: Invitation, device, context):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = device.verify_is_allowed()[0]
        try:
            accepted = allowed and services.invitation_accept(
                invitation=found, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            if error.code == "restarted":  # step 1 again in another window: its new key
                return redirect(request.path)
            found.refresh_from_db()  # used, revoked or run out a moment ago
            return _closed(request, _why_closed(found))
        if accepted:
            request.session.pop(ENROLLING, None)
            login(request, accepted.user, backend=SIGN_IN_BACKEND)
            django_otp.login(request, accepted.device)
            track_session(request, accepted.user)
            request.session[FRESH_RECOVERY_CODES] = list(accepted.recovery_codes)
            return redirect(
                reverse("admin:recovery_codes") + "?" + urlencode({"next": reverse("admin:index")})
            )
        form.add_error(
            "code",
            _("Koodi ei kelpaa. Tarkista sovelluksen uusin koodi.")
            if allowed
            else _("Liian monta väärää koodia peräkkäin. Odota hetki ja yritä uudelleen."),
        )
    return render(
        request,
        "jury/invitation/enrol.html",
        {
            **context,
            "form": form,
            "qr_code": qr_code_svg(device.config_url),
            "secret": grouped_secret(device),
            "username": device.user.get_username(),
        },
    )


def _accept_signed_in(request, found: Invitation, account, context):
    signed_in = (
        request.user.is_authenticated
        and request.user.pk == account.pk
        and request.user.is_verified()
    )
    if signed_in and request.method == "POST":
        try:
            services.invitation_accept_signed_in(invitation=found, user=request.user)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            return redirect("admin:index")
    login_url = reverse("admin:login") + "?" + urlencode({"next": request.path})
    return render(
        request,
        "jury/invitation/existing.html",
        {**context, "account": account, "signed_in": signed_in, "login_url": login_url},
    )


def _why_closed(found: Invitation) -> str:
    if found.accepted_at:
        return "used"
    return "revoked" if found.revoked_at else "expired"


def _closed(request, reason: str, *, status: int = 410):
    return render(
        request,
        "jury/invitation/closed.html",
        {
            "reason": reason,
            "site_header": admin.site.site_header,
            "site_title": admin.site.site_title,
        },
        status=status,
    )
