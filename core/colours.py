"""The site's colour: its format and contrast rules (WCAG AA), the shades derived from it and
the stylesheet that carries them. Plain functions of a ``#rrggbb`` string, below the models
that validate with them."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_COLOUR = "#5b2a86"  # Talentia's purple
# WCAG 2.1 AA for normal text: white text on a button, and the colour as link text on white.
MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def _channels(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _hex(channels) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in channels)


def _mix(colour: str, other: str, share: float) -> str:
    return _hex(
        a + (b - a) * share for a, b in zip(_channels(colour), _channels(other), strict=True)
    )


def luminance(colour: str) -> float:
    """Relative luminance as WCAG defines it."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def validate_brand_colour(value: str) -> None:
    """A colour as #rrggbb that white text can stand on, and that reads as text on white."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Anna väri muodossa #rrggbb pienin kirjaimin, esimerkiksi #5b2a86."), code="format"
        )
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "Väri on liian vaalea: valkoisen tekstin kontrasti sitä vasten on %(ratio)s:1, "
                "kun vähintään %(minimum)s:1 tarvitaan (WCAG AA). Valitse tummempi sävy."
            ),
            code="contrast",
            params={"ratio": f"{ratio:.1f}".replace(".", ","), "minimum": "4,5"},
        )


@dataclass(frozen=True)
class Palette:
    """The shades the stylesheet needs, all derived from the one colour staff choose."""

    base: str
    hover: str
    active: str
    disabled: str

    @classmethod
    def of(cls, colour: str) -> "Palette":
        return cls(
            base=colour,
            hover=_mix(colour, "#000000", 0.2),
            active=_mix(colour, "#000000", 0.35),
            disabled=_mix(colour, "#ffffff", 0.4),
        )

    @property
    def rgb(self) -> str:
        return ", ".join(str(c) for c in _channels(self.base))

    @property
    def hover_rgb(self) -> str:
        return ", ".join(str(c) for c in _channels(self.hover))


def theme_css(colour: str) -> str:
    palette = Palette.of(colour)
    return (
        ":root{"
        f"--hk-accent:{palette.base};--hk-accent-dark:{palette.hover};"
        f"--hk-accent-active:{palette.active};--hk-accent-disabled:{palette.disabled};"
        f"--hk-accent-rgb:{palette.rgb};--bs-link-hover-color-rgb:{palette.hover_rgb};"
        "}\n"
    )
