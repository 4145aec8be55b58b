from datetime import datetime, time, timedelta

from allauth.account.forms import RequestLoginCodeForm
from allauth.core import context, ratelimit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ratelimit import Limit, client_address, hit
from voting.enums import DecisionAction, RemovalRule
from voting.mailboxes import canonical_address, is_disposable
from voting.proof import Proof
from voting.proof import check as check_proof
from voting.services import network_of

# The longest address the accounts' table holds (and RFC 5321 allows in practice).
MAX_ADDRESS = 254


class VoterSignInForm(RequestLoginCodeForm):
    """The voters' one door: an address, to which a code is sent (voting.views.SignInView)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Sähköpostiosoite")
        self.fields["email"].max_length = MAX_ADDRESS
        self.fields["email"].widget.attrs["maxlength"] = MAX_ADDRESS
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "placeholder": "", "autofocus": True}
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if len(email) > MAX_ADDRESS:
            raise ValidationError(
                _("Sähköpostiosoite on liian pitkä: enintään %(count)s merkkiä.")
                % {"count": MAX_ADDRESS},
                code="too_long",
            )
        if is_disposable(email):
            raise ValidationError(
                _(
                    "Kertakäyttöisten sähköpostipalvelujen osoitteilla ei voi äänestää. "
                    "Käytä omaa, pysyvää sähköpostiosoitettasi."
                ),
                code="disposable",
            )
        per_client = Limit(
            "login-code-client",
            count=settings.LOGIN_CODES_PER_CLIENT_PER_MINUTE,
            window=timedelta(minutes=1),
        )
        if not hit(per_client, client_address(context.request)):
            raise ValidationError(
                _(
                    "Verkostasi on juuri pyydetty monta kirjautumiskoodia. Odota minuutti ja "
                    "pyydä koodi sitten uudelleen."
                ),
                code="too_many_from_client",
            )
        # Counted per mailbox, so aliases of one address share the limit.
        if not ratelimit.consume(
            context.request, action="request_login_code", key=canonical_address(email)
        ):
            raise ValidationError(code_limit_message(), code="too_many_code_requests")
        return email

    def clean(self):
        """The proof of work, once the address is fine (a solution is spent when checked): a
        forged or reused one is refused; none at all (no JavaScript) is held to a stricter
        limit per network, and the code's vote will be flagged (``without_proof``)."""
        data = super().clean()
        self.without_proof = False
        if self.errors:
            return data
        proof = check_proof(self.data.get("altcha", ""))
        if proof in {Proof.INVALID, Proof.REUSED}:
            raise ValidationError(
                _(
                    "Selaimen tarkistus ei mennyt läpi tai se on jo käytetty. Lataa sivu "
                    "uudelleen ja pyydä koodi uudestaan."
                ),
                code="proof_of_work",
            )
        if proof is Proof.MISSING:
            limit = Limit(
                "code-without-proof",
                count=settings.CODES_WITHOUT_PROOF_PER_NETWORK_PER_HOUR,
                window=timedelta(hours=1),
            )
            if not hit(limit, network_of(client_address(context.request))):
                raise ValidationError(
                    _(
                        "Verkostasi on pyydetty tunnin sisällä monta koodia ilman selaimen "
                        "tarkistusta. Salli sivulla JavaScript tai yritä tunnin kuluttua."
                    ),
                    code="too_many_without_proof",
                )
            self.without_proof = True
        return data


def code_limit_message() -> str:
    """What happened and when a new code can be asked for: the oldest of the codes counted
    leaves the limit's window (settings.LOGIN_CODE_WINDOW_MINUTES) at the latest then."""
    return _(
        "Tähän osoitteeseen on jo lähetetty %(count)s kirjautumiskoodia %(minutes)s minuutin "
        "sisällä, joten uutta koodia ei lähetetty. Käytä jo saapunutta koodia (katso myös "
        "roskapostikansio) tai pyydä uusi %(minutes)s minuutin kuluttua."
    ) % {"count": settings.LOGIN_CODES_PER_MAILBOX, "minutes": settings.LOGIN_CODE_WINDOW_MINUTES}


class DecisionForm(forms.Form):
    """Staff's decision on a cluster, or on some of its votes (voting.review.votes_decide)."""

    action = forms.ChoiceField(
        label=_("Päätös"), choices=DecisionAction.choices, widget=forms.RadioSelect
    )
    rule = forms.ChoiceField(
        label=_("Sääntö, jonka perusteella äänet poistetaan"),
        choices=[("", "—"), *RemovalRule.choices],
        required=False,
    )
    confirm_by = forms.DateField(
        label=_("Vahvistettava viimeistään (päivän loppuun)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(
        label=_("Perustelu"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Jää historiaan. Ei näy äänestäjille eikä julkisesti."),
    )
    votes = forms.TypedMultipleChoiceField(
        label=_("Äänet"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Päätös koskee valittuja ääniä; oletuksena kaikkia ryppään ääniä."),
    )

    def __init__(self, *args, vote_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["votes"].choices = list(vote_choices)
        self.fields["votes"].initial = [value for value, _label in vote_choices]

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].replace("\x00", "").strip()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == DecisionAction.REMOVE and not data.get("rule"):
            self.add_error("rule", _("Valitse sääntö, jonka perusteella äänet poistetaan."))
        if action == DecisionAction.CONFIRM:
            day = data.get("confirm_by")
            if day is None:
                self.add_error(
                    "confirm_by", _("Anna päivä, johon mennessä äänet on vahvistettava.")
                )
            elif day <= timezone.localdate():
                self.add_error("confirm_by", _("Päivän on oltava tulevaisuudessa."))
        return data

    def confirm_by_moment(self):
        """The end of the chosen day, Helsinki time."""
        day = self.cleaned_data.get("confirm_by")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(23, 59)))
