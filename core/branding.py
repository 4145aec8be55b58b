"""The site's identity as staff set it in the admin (``SiteSettings``): name, colour, logo, icon.

Every page shows it, so each process keeps it for ``SITE_IDENTITY_CACHE_SECONDS`` rather than
reading the row on every request; a change made in the admin shows at once in the process that
saved it and within that time in the others. The colour reaches the pages as a stylesheet whose
URL carries the colour itself (``/sivusto/teema-5b2a86.css``): any process can draw it without
the database, it is cached for good, and no inline style is needed (the CSP forbids them).
The colour's own rules (contrast, shades, the stylesheet) are in ``core.colours``.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from core.caching import content_generation
from core.colours import DEFAULT_COLOUR
from core.images import PUBLIC_PREFIX
from core.models import SiteSettings


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


def site_context(request) -> dict:
    """Template context processor: ``brand`` on every page (``site`` is taken by allauth's
    pages, which put the sites framework's Site there)."""
    return {"brand": site_identity()}
