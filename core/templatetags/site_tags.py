from datetime import datetime, timedelta

from django import template
from django.conf import settings
from django.templatetags.cache import CacheNode
from django.utils.translation import get_language, get_language_info

from core.caching import PAGE_CACHE, content_generation, head_depends_only_on_address
from core.dates import day_text, last_day_text, moment_text

register = template.Library()


@register.filter
def without_full_stop(value) -> str:
    """A label that ends a sentence, put before a colon: "Olen lukenut selosteen"."""
    return str(value).rstrip().removesuffix(".")


@register.filter
def day(value: datetime | None) -> str:
    """The local (Helsinki) date of an instant: 27.2.2022. For a window's opening; its end
    is written with ``last_day``."""
    return day_text(value)


@register.filter
def moment(value: datetime | None) -> str:
    """The local date and time of an instant (``core.dates.moment_text``)."""
    return moment_text(value)


@register.filter(name="last_day")
def last_day_filter(value: datetime | None) -> str:
    """A window's end as people say it: its last day (``core.dates``)."""
    return last_day_text(value)


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes (the lockout's length on its notice)."""
    return int(value.total_seconds() // 60) if value else 0


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The same page in each language, as plain links: the language is in the address, so a
    switch needs no form, no cookie and no POST (and the page stays cacheable). Finnish has
    no prefix, the others ``/sv``, ``/en``; the links are made by moving the prefix, without
    resolving the address again (this runs on every page)."""
    current = get_language()
    path = context["request"].get_full_path()
    if current != settings.LANGUAGE_CODE and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    return [
        {
            "code": code,
            "name": _LANGUAGE_NAMES[code],
            "url": path if code == settings.LANGUAGE_CODE else f"/{code}{path}",
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


_LANGUAGE_NAMES = {
    code: get_language_info(code)["name_local"][:1].upper()
    + get_language_info(code)["name_local"][1:]
    for code, _name in settings.LANGUAGES
}


class _PageCacheSeconds:
    """The fragment's timeout, read from the settings when the page is rendered."""

    var = "PUBLIC_PAGE_CACHE_SECONDS"

    def resolve(self, context) -> int:
        return settings.PUBLIC_PAGE_CACHE_SECONDS


class FrameCacheNode(CacheNode):
    """``{% cache %}`` for a page's head and language links, kept only where the view says
    they depend on nothing but the address and the language (``core.caching``)."""

    def render(self, context):
        request = context.get("request")
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if request is None or seconds <= 0 or not head_depends_only_on_address(request):
            return self.nodelist.render(context)
        with context.push(public_content_generation=content_generation()):
            return super().render(context)


@register.tag("frame_cache")
def do_frame_cache(parser, token):
    """``{% frame_cache name vary_on… %}…{% endframe_cache %}``: kept for
    ``PUBLIC_PAGE_CACHE_SECONDS`` in the page cache on pages marked with
    ``same_head_for_address`` (every public page), rendered every time elsewhere."""
    nodelist = parser.parse(("endframe_cache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'frame_cache' needs a fragment name.")
    return FrameCacheNode(
        nodelist,
        _PageCacheSeconds(),
        bits[1],
        [parser.compile_filter(bit) for bit in [*bits[2:], "public_content_generation"]],
        parser.compile_filter(f'"{PAGE_CACHE}"'),
    )


@register.simple_tag
def login_code_minutes() -> int:
    """How long an e-mailed sign-in code can be used, in minutes."""
    return settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60


@register.filter
def translated(obj, field: str) -> str:
    """A text kept per language (TranslatedTextMixin) in the page's language, or Finnish."""
    return obj.in_active_language(field)


@register.filter
def text_language(obj, field: str) -> str:
    """The language of ``obj|translated:field``, for the element's ``lang`` attribute."""
    return obj.language_of(field)
