"""Invloed settings: one module, every deploy difference comes from the environment.

Defaults are safe for production (debug off, secure cookies, HSTS); a laptop opts out with
DJANGO_DEBUG=1, which `make run` and `make test` set for you.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The demo (`make run`) runs with DEBUG but shows visitors the pages production shows for a missing page or an
# error, not Django's technical ones (config/error_pages.py). Without DEBUG those are always the pages shown.
FRIENDLY_ERROR_PAGES = env.bool("DJANGO_FRIENDLY_ERRORS", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Set a long random value, "
            "or export DJANGO_DEBUG=1 for local development (make run and make test do)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # DRF's plaintext tokens are gone (brands.ApiToken replaced them); the app stays installed so
    # the migration that empties its table runs everywhere.
    "rest_framework.authtoken",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "influencers",
    "brands",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL or a huge value in the query string: a 400 page before any view or query (config/middleware.py);
    # inside the middleware above, so its answer still gets the security headers and the CSP.
    "config.middleware.HostileQueryMiddleware",
    # Only in the demo (DEBUG with DJANGO_FRIENDLY_ERRORS=1): production's 404/403/500 pages for views' errors.
    "config.error_pages.FriendlyErrorPagesMiddleware",
    # Axes must come last: it turns a locked-out login into a clear "locked out" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # brands/accounts/ is a package of the brands app, not an app of its own, so Django does not
            # find its tag libraries by itself; they keep their {% load %} names.
            "libraries": {
                "account_nav": "brands.accounts.templatetags.account_nav",
                "api_token": "brands.accounts.templatetags.api_token",
            },
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A PostgreSQL streaming replica for the read-mostly pages (discovery, profiles, API reads): config/db_router.py
# decides per request, with read-your-own-writes. Unset (the default, and `make run`): one database, no router.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    # Tests read the replica alias from the default test database; they never create a second one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    _database.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    # A restarted PostgreSQL must not break the next request: check persistent connections first.
    _database["CONN_HEALTH_CHECKS"] = True
    # JIT compilation only pays off for long analytical queries. The app's queries are short and
    # index-driven, but at a million profiles their cost estimates cross jit_above_cost and each one
    # paid ~100 ms of compiling (docs/benchmarks.md). DB_JIT=1 turns it back on.
    if not env.bool("DB_JIT", default=False):
        _db_options = _database.setdefault("OPTIONS", {})
        _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
# Which GET/HEAD requests may read from the replica (path prefixes), and for how many seconds after a
# write the same client reads from the primary instead (read-your-own-writes).
DATABASE_REPLICA_PATHS = tuple(env.list("DATABASE_REPLICA_PATHS", default=["/influencers/", "/api/v1/"]))
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
if DATABASE_REPLICA_URL:
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    # Outside the session middleware: the pin cookie is set on every answer of a write, errors included.
    _session_middleware = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    MIDDLEWARE.insert(_session_middleware, "config.db_router.ReadReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The discovery indexes carry non-key columns for index-only filtering on PostgreSQL (influencers/models.py);
# SQLite (the demo) builds the same indexes without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache (throttling and axes share it across processes when Redis is configured) ----------
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="")
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "invloed"}}

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id first (memory-hard, OWASP's first choice): a log-in checks a password in ~130 ms here against
# PBKDF2's ~240 ms at Django 5.2's 1,000,000 iterations. Older PBKDF2 hashes still verify and are rehashed
# with Argon2 at the user's next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The lock-out counts the same client address as the throttles and rate limits (config/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# The proxies in front of gunicorn whose X-Forwarded-For is believed: addresses or networks, comma
# separated ("10.0.0.0/8,127.0.0.1"). Empty (the default): no forwarded header is believed and the
# client is the connection's peer. Behind trusted proxies: the right-most untrusted address.
TRUSTED_PROXIES = tuple(env.list("TRUSTED_PROXIES", default=[]))
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network (write e.g. 10.0.0.0/8,127.0.0.1)"
        ) from _error

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Invloed <noreply@invloed.localhost>")

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / ".staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / ".media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security (production defaults; DJANGO_DEBUG=1 relaxes what needs HTTPS) ----------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- REST framework -------------------------------------------------------------------------
# Token first: an unauthenticated API request gets 401 with `WWW-Authenticate: Token`, not 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "brands.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": ["config.api_parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api_pagination.ApiCursorPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    # Throttle counters live in the default cache: Redis (shared by every process) when
    # REDIS_CACHE_URL is set. Over the limit: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's classes, counting the client address of config/client_ip.py (TRUSTED_PROXIES).
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
        # Views with `rate_limit_scope` share the page's counter for that action (config/ratelimit.py).
        "config.ratelimit.ActionRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "metrics_import": env.str("API_THROTTLE_IMPORT", default="30/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Abuse-prone actions, per user (sign-up: per client address), on pages and in the API alike
# (config/ratelimit.py). "<count>/<period>" such as 20/hour or 5/10min; "off" disables one.
RATE_LIMITS = {
    "signup": env.str("RATE_LIMIT_SIGNUP", default="20/hour"),
    "invite": env.str("RATE_LIMIT_INVITE", default="200/hour"),
    "team_invite": env.str("RATE_LIMIT_TEAM_INVITE", default="30/hour"),
    "apply": env.str("RATE_LIMIT_APPLY", default="60/hour"),
    "message": env.str("RATE_LIMIT_MESSAGE", default="120/hour"),
    # Password-reset emails: per address asked for (a mailbox is not flooded) and per client.
    "password_reset_email": env.str("RATE_LIMIT_PASSWORD_RESET_EMAIL", default="3/hour"),
    "password_reset_client": env.str("RATE_LIMIT_PASSWORD_RESET_CLIENT", default="10/hour"),
    # Wrong old passwords on the password-change form, per user (a stolen session cannot guess on).
    "password_change": env.str("RATE_LIMIT_PASSWORD_CHANGE", default="5/15min"),
}

# --- API tokens (django-rest-knox, model brands.ApiToken) --------------------------------------
# Stored as SHA-512 digests, shown once, revoked by a password change or reset. A key expires
# API_TOKEN_TTL_DAYS after it was made (0: never); the owner makes a new one on the account page.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
if API_TOKEN_TTL_DAYS < 0:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be 0 (no expiry) or a number of days")
KNOX_TOKEN_MODEL = "brands.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS) if API_TOKEN_TTL_DAYS else None,
    "AUTH_HEADER_PREFIX": "Token",
    # A recognisable prefix lets secret scanners (and people) tell an Invloed key when one leaks.
    "TOKEN_PREFIX": "invl_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Invloed API",
    "DESCRIPTION": (
        "Brand–influencer matchmaking: discovery, campaigns, collaborations and metrics. "
        "Authenticate with `Authorization: Token <key>` (create the key on your account page). "
        "Every error has the same JSON shape (`Error`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files (CSP: no CDN, no inline script; see config/urls.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components, so read-only fields never appear as input.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_errors.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventTypeEnum": "campaigns.webhook_models.EventType",
        "PlatformEnum": "influencers.taxonomy.Platform",
        "WorkKindEnum": "influencers.taxonomy.WorkKind",
        "CountryEnum": "influencers.taxonomy.Country",
        "LanguageEnum": "influencers.taxonomy.Language",
        "CurrencyEnum": "influencers.taxonomy.Currency",
        "ModerationStatusEnum": "influencers.taxonomy.ModerationStatus",
        "TierEnum": "influencers.taxonomy.Tier",
        "PostFormatEnum": "influencers.taxonomy.PostFormat",
        "AgeBandEnum": "influencers.taxonomy.AgeBand",
        "GenderEnum": "influencers.taxonomy.Gender",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "CollaborationStatusEnum": "campaigns.models.Collaboration.Status",
        "DeliverableStatusEnum": "campaigns.models.Deliverable.Status",
        "EngineRunStatusEnum": "influencers.models.EngineRun.Status",
        # Read from the database when the schema is generated (never at import time).
        "NicheEnum": "influencers.serializers.niche_slugs",
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the demo needs no services.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Reliability: a task is acknowledged only when done, a killed worker's task goes back to the
# queue, and a worker holds one task at a time so nothing waits behind a long recompute.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
# Redis redelivers a task its worker did not acknowledge within the visibility timeout (the worker
# died with the machine). It must stay above the longest task (the hard time limit), or Redis hands a
# task that is still running to a second worker. Abandoned messages are looked for every
# CELERY_UNACKED_RESTORE_INTERVAL seconds (kombu's default is 10 s x a throttle of 10).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT}s) must be above CELERY_TASK_TIME_LIMIT "
        f"({CELERY_TASK_TIME_LIMIT}s), or a running task is delivered to a second worker."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=60),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: fail fast, the sweep re-enqueues.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic engine work (run exactly one `celery beat`). Task names are documented in docs/metrics.md.
ENGINE_SWEEP_MINUTES = env.int("ENGINE_SWEEP_MINUTES", default=5)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Accounts whose posts changed since their metrics, influencers flagged stale or never computed.
    "metrics-incremental": {"task": "influencers.tasks.recompute_metrics_task", "schedule": timedelta(minutes=15)},
    # Every influencer, so numbers follow the clock (posts leave the 180-day window, growth moves on).
    "metrics-full-nightly": {
        "task": "influencers.tasks.recompute_metrics_task",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"full": True},
    },
    "matches-open-campaigns-nightly": {
        "task": "campaigns.tasks.recompute_open_campaigns_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Rebuild the matching feature store when changes were recorded since the last build (else a no-op),
    # so readers patch few rows. A full metric run queues a rebuild itself when its last chunk is in.
    "feature-store": {"task": "campaigns.tasks.feature_store_build_task", "schedule": timedelta(minutes=15)},
    # Payables past their due date and not confirmed paid: both sides are told, once per payable.
    "ledger-overdue-daily": {"task": "campaigns.tasks.ledger_overdue_task", "schedule": crontab(hour=8, minute=0)},
    # Discovery's stored copy of each creator's delivers-on-time score (docs/metrics.md#delivers-on-time-in-discovery):
    # the 365-day window slides and due dates pass without a write, so it is recomputed every night.
    "delivery-punctuality-daily": {
        "task": "campaigns.tasks.delivery_punctuality_task",
        "schedule": crontab(hour=0, minute=20),
    },
    # Webhook deliveries whose next attempt is due (retries on campaigns/webhooks.RETRY_SCHEDULE, lost messages).
    "webhook-retry-sweep": {"task": "campaigns.tasks.webhook_retry_sweep_task", "schedule": timedelta(minutes=1)},
    # Webhook events, deliveries and attempts older than 30 days (the delivery log's retention).
    "webhook-log-prune-daily": {
        "task": "campaigns.tasks.webhook_log_prune_task",
        "schedule": crontab(hour=4, minute=15),
    },
    # Saved searches: each brand member hears once a day about creators approved since the last digest.
    "saved-search-digest-daily": {
        "task": "brands.tasks.saved_search_digest_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Re-enqueue work whose trigger was lost (broker down at commit time): stale flags older than this.
    "engine-sweep": {"task": "campaigns.tasks.engine_sweep_task", "schedule": timedelta(minutes=ENGINE_SWEEP_MINUTES)},
}
# Transient errors a task retries with exponential backoff (database restarts, broker blips).
ENGINE_TASK_MAX_RETRIES = env.int("ENGINE_TASK_MAX_RETRIES", default=5)
# Influencers per chunk of a metric recompute; a full run fans chunks out over the workers.
METRICS_CHUNK_SIZE = env.int("METRICS_CHUNK_SIZE", default=20_000)
# PostgreSQL work_mem for the engine's chunk transactions (its sorts and hashes stay in memory).
ENGINE_PG_WORK_MEM = env.str("ENGINE_PG_WORK_MEM", default="256MB")
# random_page_cost for the engine's chunk transactions: 1.1 suits data on SSD or in memory; raise it
# for spinning disks.
ENGINE_PG_RANDOM_PAGE_COST = env.float("ENGINE_PG_RANDOM_PAGE_COST", default=1.1)
# Seconds a worker keeps the matching feature matrix in memory (0 = read it for every campaign). It is
# patched with every influencers.FeatureChange the services and the engine record, so a change is
# picked up at once; the expiry bounds the age of a copy patched many times. Off in debug (tests, the
# demo): there the database changes under the process without the services knowing.
MATCH_FEATURE_CACHE_SECONDS = env.int("MATCH_FEATURE_CACHE_SECONDS", default=0 if DEBUG else 300)
# Read the matrix from the feature store (campaigns/matching/store.py, ~1 s at 1M creators) instead of
# loading it live (~40 s). Off in debug for the same reason as the cache.
MATCH_FEATURE_STORE = env.bool("MATCH_FEATURE_STORE", default=not DEBUG)
# Changed influencers a reader patches into a stored or cached matrix; more, and it loads live.
MATCH_FEATURE_PATCH_LIMIT = env.int("MATCH_FEATURE_PATCH_LIMIT", default=50_000)

# --- Invloed --------------------------------------------------------------------------------
MATCH_TOP_N = env.int("MATCH_TOP_N", default=200)
# The key of the hash follower ids get on import (docs/metrics.md, "Audience overlap"). Sketches made with
# one key cannot be compared with sketches made with another: set it once and keep it (default: derived
# from the secret key).
FOLLOWER_HASH_KEY = env.str("FOLLOWER_HASH_KEY", default="") or SECRET_KEY
# Absolute address of the site, used in emails (no request to take it from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Webhooks (campaigns/webhooks.py, docs/security.md "Webhooks") ----------------------------
# http:// and loopback receivers (127.0.0.1, ::1) are allowed only when this is on: in debug and tests by
# default, never in production. Private, link-local, multicast and reserved addresses are always refused.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
# Seconds for the connection and for the whole answer of one delivery attempt.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Axes says "BEGIN version …" and "Reset 0 access attempts" at INFO on every start and demo login reset;
        # what matters (a lockout) it logs as a WARNING.
        "axes": {"level": "WARNING"},
    },
}
