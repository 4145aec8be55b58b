"""The admin site: a password, then a code from an authenticator app, for everyone in it.

Signing in to the admin is two steps. The password step is Django's own login form, behind
django-axes (an account is locked after repeated wrong passwords). The second step asks for
the six-digit code of the account's TOTP device; an account without one sets it up there at
its first sign-in, by scanning a QR code and typing one code back. Until the second step is
done, ``has_permission`` is false on every admin page, so nothing in the admin is reachable
with a password alone.
"""

from functools import partial

import django_otp
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.second_factor import (
    CodeForm,
    devices_for_code,
    grouped_secret,
    needs_enrolment,
    qr_code_svg,
)
from core.signals import track_session
from hyvakaytanto.next_year import next_year_view
from jury.services import recovery_codes_renew
from jury.views import FRESH_RECOVERY_CODES


def _safe_next(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


# The apps in the order of the year's work, each with its screens in the order they are used;
# everything else (accounts, sign-in records, the queue, the logs) goes last, under "Ylläpito".
YEAR_FLOW = {
    "hyvakaytanto": ["Competition", "Criterion"],
    "nominations": ["Nomination", "NominationDraft"],
    "jury": [
        "JuryMember",
        "Invitation",
        "CalibrationText",
        "ScoringNomination",
        "ConflictOfInterest",
        "Score",
        "RankingEntry",
        "AgendaItem",
        "Finalist",
        "FeedbackRound",
    ],
    "voting": ["VotingRules", "VoteCluster", "VoteTally", "VoterMailbox"],
    "archive": ["ResultsPublication", "AwardYear", "Award"],
}
# A juror's whole admin: the list to score (first in YEAR_FLOW) and the panel's meeting.
JUROR_SCREENS = {"ScoringNomination", "AgendaItem"}
# Technical screens, by the Finnish name staff see (their own apps name them in English).
MAINTENANCE_NAMES = {
    "hyvakaytanto.outgoingemail": gettext_lazy("Lähtevät sähköpostit"),
    "hyvakaytanto.auditevent": gettext_lazy("Tarkastusloki"),
    "auth.user": gettext_lazy("Käyttäjät"),
    "auth.group": gettext_lazy("Ryhmät ja oikeudet"),
    "axes.accessattempt": gettext_lazy("Epäonnistuneet kirjautumiset"),
    "axes.accessfailurelog": gettext_lazy("Kirjautumisvirheiden loki"),
    "axes.accesslog": gettext_lazy("Kirjautumisloki"),
    "otp_totp.totpdevice": gettext_lazy("Todennussovellukset"),
    "otp_static.staticdevice": gettext_lazy("Kertakäyttöiset koodit"),
    "account.emailaddress": gettext_lazy("Äänestäjien sähköpostiosoitteet"),
    "procrastinate.procrastinatejob": gettext_lazy("Taustatehtävät"),
    "procrastinate.procrastinateevent": gettext_lazy("Taustatehtävien tapahtumat"),
    "procrastinate.procrastinateperiodicdefer": gettext_lazy("Ajastetut tehtävät"),
    "procrastinate.procrastinateworker": gettext_lazy("Taustatyöntekijät"),
}


class SecureAdminSite(admin.AdminSite):
    site_header = "Hyvä käytäntö"
    site_title = "Hyvä käytäntö"

    def get_app_list(self, request, app_label=None):
        """The year's apps in the order of its work, then one "Ylläpito" group."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        year_apps, maintenance = [], []
        for app in apps:
            flow = YEAR_FLOW.get(app["app_label"])
            if flow is None:
                maintenance += app["models"]
                continue
            rank = {name: n for n, name in enumerate(flow)}
            app["models"].sort(key=lambda m: rank.get(m["object_name"], len(flow)))
            maintenance += [m for m in app["models"] if m["object_name"] not in rank]
            app["models"] = [m for m in app["models"] if m["object_name"] in rank]
            if app["models"]:
                year_apps.append(app)
        year_apps.sort(key=lambda app: list(YEAR_FLOW).index(app["app_label"]))
        for model in maintenance:
            label = model["model"]._meta.label_lower
            model["name"] = MAINTENANCE_NAMES.get(label, model["name"])
        if maintenance:
            year_apps.append(
                {
                    "name": _("Ylläpito"),
                    "app_label": "yllapito",
                    "app_url": reverse("admin:index") + "#yllapito",
                    "has_module_perms": True,
                    "models": sorted(maintenance, key=lambda m: str(m["name"])),
                }
            )
        return year_apps

    def index(self, request, extra_context=None):
        """Someone whose admin is one screen, or a juror's few (their nominations to score,
        and the meeting that follows), lands on the first rather than on a short list."""
        screens = [m for app in self.get_app_list(request) for m in app["models"]]
        names = {screen["object_name"] for screen in screens}
        one = len(screens) == 1 or (names == JUROR_SCREENS)
        if one and screens[0].get("admin_url"):
            return redirect(screens[0]["admin_url"])
        return super().index(request, extra_context)

    def each_context(self, request):
        # For the notice shown before an idle session ends (templates/admin/base_site.html).
        return {
            **super().each_context(request),
            "session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        }

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not user.is_verified():
            query = request.GET.urlencode()
            return redirect(reverse("admin:second_factor") + (f"?{query}" if query else ""))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("vahvistus/", self.second_factor_view, name="second_factor"),
            path("varakoodit/", self.admin_view(self.recovery_codes_view), name="recovery_codes"),
            path(
                "hyvakaytanto/competition/<str:object_id>/seuraava/",
                self.admin_view(partial(next_year_view, self)),
                name="hyvakaytanto_competition_next",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("code"))
    def second_factor_view(self, request):
        """The second step: the code of the account's device, or setting one up."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect("admin:login")
        next_url = _safe_next(request)
        if user.is_verified():
            return redirect(next_url)
        # Any confirmed device will do: the authenticator app (TOTP), the printed recovery
        # codes, or in development the demo accounts' single-use codes (static tokens).
        enrolling = needs_enrolment(user)
        device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
        if enrolling and device is None:
            # One unconfirmed device per account, kept until a code from it is typed back, so
            # that reloading the page does not change the QR code being scanned.
            device = TOTPDevice.objects.create(
                user=user, name=_("Todennussovellus"), confirmed=False
            )
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"]
            candidates = [device] if enrolling else devices_for_code(user, code)
            open_ones = [d for d in candidates if d.verify_is_allowed()[0]]
            allowed = bool(open_ones) or not candidates
            matched = next((d for d in open_ones if d.verify_token(code)), None)
            if not allowed:
                form.add_error(
                    "code",
                    _("Liian monta väärää koodia peräkkäin. Odota hetki ja yritä uudelleen."),
                )
            elif matched is not None:
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(audit.Action.SECOND_FACTOR_ADDED, request=request, target=user)
                # A new session key for the higher privilege, still tied to the account.
                request.session.cycle_key()
                track_session(request, user)
                django_otp.login(request, matched)
                return redirect(next_url)
            else:
                audit.record(audit.Action.SECOND_FACTOR_FAILED, request=request, target=user)
                form.add_error("code", _("Koodi ei kelpaa. Tarkista sovelluksen uusin koodi."))
        context = {
            **self.each_context(request),
            "title": _("Kaksivaiheinen tunnistautuminen"),
            "form": form,
            "enrolling": enrolling,
            "next": next_url,
        }
        if enrolling:
            context.update(qr_code=qr_code_svg(device.config_url), secret=grouped_secret(device))
        return render(request, "admin/second_factor.html", context)

    @method_decorator(never_cache)
    def recovery_codes_view(self, request):
        """Printable single-use codes for signing in without the phone. Fresh codes are shown
        once: right after an invitation is accepted, or after "Luo uudet varakoodit" (which
        ends the old ones)."""
        if request.method == "POST":
            request.session[FRESH_RECOVERY_CODES] = list(recovery_codes_renew(user=request.user))
            return redirect(request.get_full_path())
        codes = request.session.pop(FRESH_RECOVERY_CODES, None)
        left = StaticToken.objects.filter(device__user=request.user, device__confirmed=True).count()
        return render(
            request,
            "admin/recovery_codes.html",
            {
                **self.each_context(request),
                "title": _("Varakoodit"),
                "codes": [f"{code[:4]} {code[4:]}" for code in codes or ()],
                "left": left,
                "next": _safe_next(request),
            },
        )
