"""Public pages that a proxy, a CDN or the app itself may keep for a moment.

A public page (the front page, the finalists, the archive, the results) looks the same to
every visitor who is not signed in: its language is in its address (``/sv/…``), it carries
no form and sets no cookie. Such a page, answered to such a visitor, is sent with
``Cache-Control: public`` and a short ``max-age`` with ``stale-while-revalidate``, so that
when a finalist shares the vote link with their whole network a cache in front of the app
can absorb the spike. The app keeps the same answer in each process for
``PUBLIC_PAGE_CACHE_SECONDS`` (5) too (a micro-cache): a burst of visitors costs one
rendering a process, not one each.

Everything else stays private: a signed-in person's page (it shows their vote), any page that
sets a cookie, any answer but 200. The vote itself is a POST and always reaches the app, so
its deadline is checked on the server to the second; a cached page can show a phase at most
``PUBLIC_PAGE_CACHE_SECONDS`` (5) after it ended.

Views opt in with ``@public_page``; ``PublicPageMiddleware`` (after the session middleware,
before the locale middleware) does the rest.

What staff change shows at once. Every key kept for public pages carries the *generation* of
the published content, a number in the page cache; saving a model an app has declared public
(``public_content``) adds one to it once the transaction commits, so nothing kept before is
found again. With CACHE_URL (Valkey or Redis) the page cache, and so the generation, is shared
by every node and process: the next request anywhere shows the change. Without it each
process has its own, and another process shows a change within PUBLIC_PAGE_CACHE_SECONDS
(pages) and SITE_IDENTITY_CACHE_SECONDS (the site's name, colour and logo).

A signed-in voter's page is rendered every time, but most of it is not theirs: the head's
title, description and Open Graph tags and the language links follow only from the address
and the language. On a public page, and on any page whose view says so with
``@same_head_for_address``, ``{% frame_cache %}`` (``site_tags``) keeps those parts in each
process for the same ``PUBLIC_PAGE_CACHE_SECONDS``; elsewhere (a form that titles itself by
its errors, a private link, an address with a query string, an error page) they are
rendered every time.
"""

import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.cache import patch_cache_control, patch_vary_headers

PAGE_CACHE = "pages"
_MARK = "_public_page"
_SAME_HEAD = "_same_head_for_address"
GENERATION_KEY = "public-content-generation"
# The generation read once at the start of each request, for every key the request makes.
_generation: ContextVar[int | None] = ContextVar("public_content_generation", default=None)


def content_generation() -> int:
    """The published content's generation: as read at the start of this request, or now."""
    known = _generation.get()
    return known if known is not None else caches[PAGE_CACHE].get(GENERATION_KEY, 0)


def page_key(*parts) -> str:
    """A key in the page cache for ``parts``, in the current generation."""
    return ":".join(str(part) for part in (content_generation(), *parts))


def forget_public_content() -> None:
    """Start a new generation: nothing kept for public pages before is used again."""
    cache = caches[PAGE_CACHE]
    # A generation starts from the clock, so that one lost with its server (a restart) is
    # never counted again from a number a process still holds.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls, or the shared cache is down
        generation = time.time_ns()
        cache.set(GENERATION_KEY, generation, None)
    if _generation.get() is not None:
        _generation.set(generation)


def _content_changed(sender, **kwargs) -> None:
    transaction.on_commit(forget_public_content, robust=True)


def public_content(*models) -> None:
    """Declare ``models`` shown on public pages: saving or deleting one starts a new
    generation when its transaction commits. Each app calls it for its own models."""
    for model in models:
        uid = f"public_content:{model._meta.label}"
        post_save.connect(_content_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, weak=False, dispatch_uid=uid)


def same_head_for_address(view):
    """Marks a view whose page's head and language links depend only on its address and
    language (and data that may show ``PUBLIC_PAGE_CACHE_SECONDS`` late), never on the
    visitor or the state of a form: ``{% frame_cache %}`` may keep them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        setattr(request, _SAME_HEAD, True)
        try:
            return view(request, *args, **kwargs)
        finally:
            # The view has rendered its page; an error page rendered after it (a 404 at an
            # address that may soon answer 200) must not leave its head under the address.
            delattr(request, _SAME_HEAD)

    return wrapped


def head_depends_only_on_address(request) -> bool:
    """Whether ``{% frame_cache %}`` may keep this page's head and language links: the view
    says so, and the address has no query string (so every key is a page of the site)."""
    return getattr(request, _SAME_HEAD, False) and not request.GET


def public_page(view):
    """Marks a view's answers as the same for every visitor who is not signed in (so their
    head, too, depends only on the address)."""

    marked = same_head_for_address(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = marked(request, *args, **kwargs)
        setattr(response, _MARK, True)
        return response

    return wrapped


def _anonymous_request(request) -> bool:
    """A GET or HEAD without a session or pending messages: nothing on the page can be
    this visitor's own."""
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _key(request) -> str:
    return page_key("page", request.method, request.get_full_path())


class PublicPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cache = caches[PAGE_CACHE]
        token = _generation.set(cache.get(GENERATION_KEY, 0))
        try:
            return self._respond(request, cache)
        finally:
            _generation.reset(token)

    def _respond(self, request, cache):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        anonymous = _anonymous_request(request)
        if anonymous and seconds > 0:
            kept = cache.get(_key(request))
            if kept is not None:
                return kept
        response = self.get_response(request)
        if not getattr(response, _MARK, False):
            return response
        if (
            anonymous
            and response.status_code == 200
            and not response.cookies
            and not request.user.is_authenticated
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_PAGE_MAX_AGE,
                stale_while_revalidate=settings.PUBLIC_PAGE_STALE_SECONDS,
            )
            # The language is in the address, not in the request's headers; what does change
            # the page is being signed in, which the session cookie tells.
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            if "Vary" in response:
                del response["Vary"]
            patch_vary_headers(response, [v for v in vary if v != "Accept-Language"] + ["Cookie"])
            delattr(response, _MARK)
            if seconds > 0:
                cache.set(_key(request), response, seconds)
        else:
            patch_cache_control(response, private=True)
        return response
