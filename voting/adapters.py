from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.ratelimit import client_address


class VoterAccountAdapter(DefaultAccountAdapter):
    """The public sign-in by e-mail code is for voters only.

    Staff and jurors sign in to the admin with their password; letting them in by an e-mailed
    code would let anyone with access to their mailbox into the admin.
    """

    def pre_login(self, request, user, **kwargs):
        if user.is_staff:
            messages.error(request, _("Henkilökunta ja raati kirjautuvat ylläpitoon salasanalla."))
            return redirect("admin:login")
        return super().pre_login(request, user, **kwargs)

    def get_client_ip(self, request) -> str:
        """The client as the site's own rate limits see it (``ratelimit.client_address``): an
        X-Forwarded-For shorter than TRUSTED_PROXY_COUNT gives the address that is there
        rather than failing the sign-in."""
        # Only a key for the rate limits: a request without any address shares one.
        return client_address(request) or "unknown"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Nothing from the voters' sign-in reaches a staff or jury address: no code, no
        "account exists" notice. The page answers as for any address (no enumeration)."""
        if get_user_model().objects.filter(email__iexact=email, is_staff=True).exists():
            return
        super().send_mail(template_prefix, email, context)


def voter_display(user) -> str:
    """How allauth names a signed-in person in pages and messages: by their address."""
    return user.email
