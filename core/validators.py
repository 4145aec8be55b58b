from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Line breaks, tabs, NUL and the other C0/C1 control characters, and the invisible marks that
# reverse the direction of text (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C): in a
# name they break e-mail headers and exports or disguise what the text says.
_FORBIDDEN = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


@deconstructible
class SingleLineValidator:
    """For a one-line field (a name, a title): refuses line breaks and control characters."""

    message = _(
        "Kirjoita tämä kenttä yhdelle riville: siinä ei voi olla rivinvaihtoja eikä "
        "näkymättömiä ohjausmerkkejä."
    )
    code = "single_line"

    def __call__(self, value) -> None:
        if any(character in _FORBIDDEN for character in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()
