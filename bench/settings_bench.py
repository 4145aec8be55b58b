"""Settings for the load benchmark: production settings on a database of its own."""

from hyvakaytanto.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = "hyvakaytanto_bench"  # noqa: F405
ROOT_URLCONF = "bench.urls"
# Every simulated voter connects from 127.0.0.1; the per-client limit would stop them all.
VOTES_PER_CLIENT_PER_HOUR = 10**9
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
