from allauth.account.forms import RequestLoginCodeForm
from allauth.core import context, ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from voting.mailboxes import canonical_address, is_disposable


class VoterSignInForm(RequestLoginCodeForm):
    """The voters' one door: an address, to which a code is sent (voting.views.SignInView)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Sähköpostiosoite")
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "placeholder": "", "autofocus": True}
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if is_disposable(email):
            raise ValidationError(
                _(
                    "Kertakäyttöisten sähköpostipalvelujen osoitteilla ei voi äänestää. "
                    "Käytä omaa, pysyvää sähköpostiosoitettasi."
                ),
                code="disposable",
            )
        # Counted per mailbox, so aliases of one address share the limit.
        if not ratelimit.consume(
            context.request, action="request_login_code", key=canonical_address(email)
        ):
            raise ValidationError(code_limit_message(), code="too_many_code_requests")
        return email


def code_limit_message() -> str:
    """What happened and when a new code can be asked for: the oldest of the codes counted
    leaves the limit's window (settings.LOGIN_CODE_WINDOW_MINUTES) at the latest then."""
    return _(
        "Tähän osoitteeseen on jo lähetetty %(count)s kirjautumiskoodia %(minutes)s minuutin "
        "sisällä, joten uutta koodia ei lähetetty. Käytä jo saapunutta koodia (katso myös "
        "roskapostikansio) tai pyydä uusi %(minutes)s minuutin kuluttua."
    ) % {"count": settings.LOGIN_CODES_PER_MAILBOX, "minutes": settings.LOGIN_CODE_WINDOW_MINUTES}
