"""Optional error reporting to Sentry, without personal data."""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration


def init_error_reporting(dsn: str, *, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        # No user, client address, cookies, headers or request bodies leave the site.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=_without_personal_data,
        traces_sample_rate=0,
    )


# A nominator's private link is a secret: its token never leaves the site.
_PRIVATE_LINK = re.compile(r"/ehdotus/[^/]+")
# An address in an error's text (a database constraint's detail, a refused recipient).
_EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def _without_personal_data(event, hint):
    """Keep what locates the error (the path, the exception and its stack) and drop what could
    name a person or open a private page: the user, the query string, cookies, headers, the
    breadcrumbs (log lines and queries), extra data, log arguments, e-mail addresses in error
    messages, and the private link's token."""
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = _EMAIL_ADDRESS.sub("[osoite]", exception["value"])
    logentry = event.get("logentry")
    if logentry:
        # The log call's arguments are dropped; its message template stays.
        event["logentry"] = {"message": _EMAIL_ADDRESS.sub("[osoite]", logentry.get("message", ""))}
    request = event.get("request")
    if request:
        kept = {key: request[key] for key in ("url", "method") if key in request}
        if "url" in kept:
            kept["url"] = _PRIVATE_LINK.sub("/ehdotus/[linkki]", kept["url"])
        event["request"] = kept
    return event
