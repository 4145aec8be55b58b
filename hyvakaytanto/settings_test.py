"""Test settings: the real settings with only what the tests need switched."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from hyvakaytanto.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Messages are queued as in production; the worker hands them to Django's test outbox.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hyvakaytanto-test-private-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# Serve static files from the apps, as in development, without a collectstatic run.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SITE_URL = "https://hyvakaytanto.example"
# Every test sets up its own year; a list kept from the previous test would be wrong.
PUBLIC_PAGE_CACHE_SECONDS = 0
# A request waits this long for a database connection before it fails (the outage tests).
DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 3  # noqa: F405
