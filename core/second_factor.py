"""The pieces of the admin's second step shared by its sign-in (``hyvakaytanto/admin_site.py``)
and the invitation link (``jury/views.py``): the code form, and an authenticator key shown as
a QR code and as text."""

import base64
import re

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# The printed recovery codes' device, by a name that is never translated.
RECOVERY_DEVICE = "Varakoodit"
RECOVERY_CODE_DIGITS = 8


class CodeForm(forms.Form):
    """Six digits from the app, or one of the eight-digit printed recovery codes; spaces and
    hyphens as printed are fine."""

    code = forms.RegexField(
        label=gettext_lazy("Vahvistuskoodi"),
        regex=r"^\s*(\d[\s-]?){5}\d(([\s-]?\d){2})?\s*$",
        max_length=16,
        error_messages={
            "required": gettext_lazy("Kirjoita sovelluksen näyttämä kuusinumeroinen koodi."),
            "invalid": gettext_lazy(
                "Kirjoita kuusinumeroinen koodi tai kahdeksannumeroinen varakoodi."
            ),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["code"])


def qr_code_svg(text: str) -> str:
    """The text as an SVG QR code, inline in the page (no image request, nothing external)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def grouped_secret(device: TOTPDevice) -> str:
    """The device's key in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _is_recovery(device) -> bool:
    return isinstance(device, StaticDevice) and device.name == RECOVERY_DEVICE


def needs_enrolment(user) -> bool:
    """The account has no authenticator of its own (printed recovery codes do not count: they
    are for the day the phone is away, and a phone lost for good is replaced by a new one)."""
    return not any(
        not _is_recovery(device) for device in django_otp.devices_for_user(user, confirmed=True)
    )


def devices_for_code(user, code: str) -> list:
    """The confirmed devices a typed code is tried on: eight digits are a printed recovery
    code, six the app's (or a demo account's code). Trying each code only where it can match
    keeps one device's mistakes from slowing the other down."""
    recovery = len(code) == RECOVERY_CODE_DIGITS
    return [
        device
        for device in django_otp.devices_for_user(user, confirmed=True)
        if _is_recovery(device) == recovery
    ]
