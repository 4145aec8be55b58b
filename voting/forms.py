from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm
from allauth.core import context, ratelimit
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
            raise get_adapter().validation_error("too_many_login_attempts")
        return email
