"""The site's identity as staff set it in the admin (``SiteSettings``): name, colour, logo, icon.

Every page shows it, so each process keeps it for ``SITE_IDENTITY_CACHE_SECONDS`` rather than
reading the row on every request; a change made in the admin shows at once in the process that
saved it and within that time in the others. The colour reaches the pages as a stylesheet whose
URL carries the colour itself (``/sivusto/teema-5b2a86.css``): any process can draw it without
the database, it is cached for good, and no inline style is needed (the CSP forbids them).
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.caching import content_generation

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


@dataclass(frozen=True)
class SiteIdentity:
    name: str  # empty: the award's own name, in the page's language
    colour: str
    logo: str  # a stored file's name under public/, or empty for the default logo
    icon: str

    @property
    def logo_url(self) -> str:
        return _public_url(self.logo)

    @property
    def icon_url(self) -> str:
        return _public_url(self.icon)

    @property
    def theme_url(self) -> str:
        """The stylesheet of a colour other than the default one (site.css has that)."""
        if self.colour == DEFAULT_COLOUR:
            return ""
        return reverse("theme_stylesheet", kwargs={"colour": self.colour.removeprefix("#")})


def _public_url(name: str) -> str:
    from core.images import PUBLIC_PREFIX

    if not name:
        return ""
    return reverse("public_file", kwargs={"name": name.removeprefix(PUBLIC_PREFIX)})


DEFAULT_IDENTITY = SiteIdentity(name="", colour=DEFAULT_COLOUR, logo="", icon="")

_cached: tuple[float, int, SiteIdentity] | None = None


def site_identity() -> SiteIdentity:
    """The identity, from this process's copy while it is fresh (one query otherwise): for
    SITE_IDENTITY_CACHE_SECONDS, and only while the published content's generation is the
    one it was read in (``core.caching``: with a shared cache, saving the identity
    on any node ends every node's copy)."""
    global _cached
    now, generation = time.monotonic(), content_generation()
    if (
        _cached is not None
        and now - _cached[0] < settings.SITE_IDENTITY_CACHE_SECONDS
        and _cached[1] == generation
    ):
        return _cached[2]
    from core.models import SiteSettings

    row = SiteSettings.objects.filter(pk=SiteSettings.SINGLE_ROW).first()
    identity = (
        DEFAULT_IDENTITY
        if row is None
        else SiteIdentity(
            name=row.name, colour=row.primary_colour, logo=row.logo.name, icon=row.icon.name
        )
    )
    _cached = (now, generation, identity)
    return identity


def forget_site_identity() -> None:
    global _cached
    _cached = None


def theme_css(colour: str) -> str:
    palette = Palette.of(colour)
    return (
        ":root{"
        f"--hk-accent:{palette.base};--hk-accent-dark:{palette.hover};"
        f"--hk-accent-active:{palette.active};--hk-accent-disabled:{palette.disabled};"
        f"--hk-accent-rgb:{palette.rgb};--bs-link-hover-color-rgb:{palette.hover_rgb};"
        "}\n"
    )


def site_context(request) -> dict:
    """Template context processor: ``brand`` on every page (``site`` is taken by allauth's
    pages, which put the sites framework's Site there)."""
    return {"brand": site_identity()}
