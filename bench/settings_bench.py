"""Settings for the load benchmark: production settings on a database of its own."""

from hyvakaytanto.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = "hyvakaytanto_bench"  # noqa: F405
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
