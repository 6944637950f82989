"""Settings shared by every mode.

The environment is read once, here. `local.py` and `test.py` fill in embedded defaults *before*
importing this module; `production.py` fills in none, so a missing secret fails loudly.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Where a local run keeps its SQLite file, file broker, mail and uploads; the `make run` test points it at
# a temporary folder.
VAR_DIR = Path(os.environ.get("CRISISPROG_VAR_DIR") or BASE_DIR / "var")

env = environ.Env()

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean from the environment: 1/0, true/false, yes/no, on/off (any case). Anything else stops
    start-up: django-environ read a typo ("ture") as False, and SECURE_SSL_REDIRECT went off unsaid."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"Set the {name} environment variable to a boolean "
                               f"(1/0, true/false, yes/no, on/off), not {raw!r}.")


def env_int(name: str, *, default: int) -> int:
    """A whole number from the environment: digits only. Anything else stops start-up."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not re.fullmatch(r"[0-9]+", value):
        raise ImproperlyConfigured(f"Set the {name} environment variable to a whole number (digits), not {raw!r}.")
    return int(value)


# --- core -------------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
# seed_demo's users share a published password: only local runs and tests may create them.
DEMO_DATA_ALLOWED = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.training",
    "apps.scheduling",
    "apps.procurement",
    "apps.engagement",
    "apps.operations",
    "apps.reports",
    "apps.scale",
    "apps.simulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: staff pages asked for in a resident-only language render in English.
    "apps.core.i18n.StaffLanguageMiddleware",
    "apps.accounts.middleware.StaffSessionIdleTimeoutMiddleware",
    "apps.accounts.middleware.StaffMFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crisisprog.urls"
WSGI_APPLICATION = "crisisprog.wsgi.application"

# Forms draw their fields with USWDS classes (apps/core/rendering.py).
FORM_RENDERER = "apps.core.rendering.UswdsRenderer"

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
                "apps.core.context_processors.shell",
                "apps.notifications.context_processors.unread",
            ],
        },
    },
]

# --- data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", default=0)
# A persistent connection is checked before each request reuses it, so a restarted PostgreSQL is
# reconnected to without restarting the app.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host must fail a request in seconds (answered 503), not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_from_url(url_env: str) -> dict:
    cache = env.cache_url(url_env)
    # Django's own Redis backend: one client library fewer than django-redis.
    if cache["BACKEND"].endswith("RedisCache"):
        cache["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
        cache.pop("OPTIONS", None)
    cache.setdefault("KEY_PREFIX", "crisisprog")
    return cache


CACHES = {"default": _cache_from_url("CACHE_URL")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# --- sessions ---------------------------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# City staff hold sealed proposals and residents' words: their sessions end after this idle time.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Resident pages, forms, emails and text messages speak every language of Boston's language-access
# rules (DOMAIN.md); staff pages speak English and Spanish (STAFF_LANGUAGES, also the choices of an
# account's preferred language). Adding a language is a line here plus its catalog under locale/.
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ht", _("Haitian Creole")),
    ("kea", _("Cabo Verdean Creole")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("zh-hant", _("Chinese (Traditional)")),
    ("vi", _("Vietnamese")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("fr", _("French")),
]
STAFF_LANGUAGES = LANGUAGES[:2]
LANGUAGES_BIDI = ["ar"]
# Django knows no Haitian Creole, Cabo Verdean Creole or Somali: their names and direction.
LANG_INFO.update({
    "ht": {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"},
    "kea": {"bidi": False, "code": "kea", "name": "Cabo Verdean Creole", "name_local": "Kriolu kabuverdianu"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
})
# The switcher names each language in itself; Django's own names for these read oddly in a list.
LANG_INFO["zh-hans"] = {**LANG_INFO["zh-hans"], "name_local": "中文（简体）"}
LANG_INFO["zh-hant"] = {**LANG_INFO["zh-hant"], "name_local": "中文（繁體）"}
LANG_INFO["ar"] = {**LANG_INFO["ar"], "name_local": "العربية"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
# Times as "6:30 PM" in English: see crisisprog/formats/en/formats.py.
FORMAT_MODULE_PATH = ["crisisprog.formats"]

# --- static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: never under STATIC_ROOT, never served without a permission check.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- mail -------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crisisprog <no-reply@crisisprog.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = 15

# --- security ---------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy: the count of proxies whose X-Forwarded-For we trust.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# A strict policy: no inline script or style anywhere; everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- allauth ----------------------------------------------------------------------------------
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Counted in the default cache (Redis in production), so every web process shares the counters.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[crisisprog] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "crisisprog"
# One 30-second step either side (RFC 6238 §5.2): a code read from the phone as it rolls over still works
# when the form reaches the server a moment later. allauth's default (0) refused it, and a staff sign-in
# on a loaded machine failed that way. A used code stays refused (replay protection) for the whole window.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not a bare 403.
        "apps.core.api.authentication.TokenAuthentication",
        # A dispatch service token (Bearer cps_…) is refused outside the dispatch endpoints, never read as anonymous.
        "apps.operations.api.authentication.ServiceTokenGate",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.accounts.api.permissions.StaffMFARequired",
    ],
    # The API reads JSON; the upload endpoints declare their own (multipart) parsers. A form body
    # cannot carry a null, so documenting form bodies for fields that may be null was untrue.
    # Ours refuses (400) a body nested too deeply or too large before decoding it.
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        # A filter value that is not valid is a 400, never silently "no filter".
        "apps.core.api.filters.StrictDjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # The refusals every operation can answer with (400/401/403/404/415/429) are documented there.
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    # DRF's throttles keyed by a hash of the trusted client address, never the address (apps/core/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api.throttling.AnonRateThrottle",
        "apps.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "cp_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "crisisprog API",
    "DESCRIPTION": "The community-responder program: procurement, training, scheduling, engagement.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RequirementRoleEnum": "apps.training.models.RequirementRole",
                            # Operations' encounters: "source" and "outcome" are names other apps' choices use too.
                            "EncounterSourceEnum": "apps.operations.models.EncounterSource",
                            "EncounterOutcomeEnum": "apps.operations.models.EncounterOutcome",
                            # ...and a decision's outcome keeps the name it had before encounters came.
                            "OutcomeEnum": "apps.engagement.models.Decision.Outcome"},
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # Redis redelivers an unacknowledged task after this long; longer than any task's hard limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, "socket_connect_timeout": 2,
                                       "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged only after it ran, and requeued if its worker died: every task is
# idempotent, so at-least-once delivery is safe and nothing is lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (
    Queue("default", Exchange("default"), routing_key="default"),
    Queue("notifications", Exchange("notifications"), routing_key="notifications"),
    Queue("reports", Exchange("reports"), routing_key="reports"),
)
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "reports.*": {"queue": "reports"},
}
# The audit sealer's period, and how long an event may stay unsealed before verify_audit_chain
# reports it (a stalled sealer, or a row inserted behind audit()).
AUDIT_SEAL_INTERVAL_SECONDS = env_int("AUDIT_SEAL_INTERVAL_SECONDS", default=2)
AUDIT_UNSEALED_GRACE_SECONDS = env_int("AUDIT_UNSEALED_GRACE_SECONDS", default=10)
if AUDIT_SEAL_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured("Set AUDIT_SEAL_INTERVAL_SECONDS to 1 or more (seconds between audit sealer runs).")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The schedule lives in code; the database scheduler copies it into django-celery-beat's tables
# at start, so one beat process runs it and admins can see last-run times.
CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": {"task": "core.heartbeat", "schedule": 60.0},
    # Audited writes insert their events unsealed; this chains them (apps/core/audit.py). A run
    # missed while the worker is down expires rather than queue up: the next one seals everything.
    "core-seal-audit-chain": {"task": "core.seal_audit_chain", "schedule": float(AUDIT_SEAL_INTERVAL_SECONDS),
                              "options": {"expires": float(AUDIT_SEAL_INTERVAL_SECONDS)}},
    "core-clear-expired-sessions": {
        "task": "core.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Due reminders are found by scanners, and due messages handed to workers, every minute:
    # nothing waits in the broker as a long ETA (Redis would redeliver it after the visibility timeout).
    "notifications-dispatch-due": {"task": "notifications.dispatch_due", "schedule": 60.0},
    "notifications-run-scanners": {"task": "notifications.run_scanners", "schedule": 300.0},
    "accounts-expire-invitations": {
        "task": "accounts.expire_invitations",
        "schedule": crontab(minute=5),
    },
    # Each new feedback item's sentence vector and detected language (apps/engagement/semantics).
    "engagement-embed-feedback": {"task": "engagement.embed_feedback", "schedule": 30.0},
    # Residents' contact details and old message rows past their retention (docs/RETENTION.md).
    "engagement-retention-purge": {
        "task": "engagement.retention_purge",
        "schedule": crontab(hour=3, minute=41),
    },
}

# --- logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "apps.core.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default console handler would print each request problem a second time beside root's.
        "django": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # runserver prints "Watching for file changes" itself; its logger would say it a second time.
        "django.utils.autoreload": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The dev server's request log carries no client address; keep it that way.
        "django.server": {"level": "INFO"},
    },
}

CRISISPROG_REQUIRE_SERVICES = env_bool("CRISISPROG_REQUIRE_SERVICES", default=False)

# --- notifications ----------------------------------------------------------------------------
# A claimed message whose worker died is handed out again after this lease.
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_MESSAGE_ID_DOMAIN = env.str("NOTIFICATION_MESSAGE_ID_DOMAIN", default="crisisprog.local")
SMS_BACKEND = env.str("SMS_BACKEND", default="apps.notifications.sms.ConsoleSMSBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))

# --- auto-roster ------------------------------------------------------------------------------
# The CP-SAT solver's settings and the objective's weights (docs/ARCHITECTURE.md, "The auto-roster").
# Filling comes first and is not weighed: the first phase fills as many places as it can, and among
# rosters with as many places, as many lead places. The second phase keeps that and maximises the rest:
# keeping a repair's existing assignment (50,000 each, so a repair changes as little as it can); fairness,
# `fairness` per minute away from a person's target, one more for every further 4 hours a week away
# (twice that above the target); the preferences and patterns, a few hundred each, comparable to an hour
# or two of unfairness.
ROSTER = {
    "default_weekly_hours": env_int("ROSTER_DEFAULT_WEEKLY_HOURS", default=24),
    "workers": env_int("ROSTER_WORKERS", default=8),
    "gap_limit": 0.005,
    "max_days": 42,
    "max_time_limit": 600,
    "weights": {
        "keep": 50_000,
        "fairness": 1,
        "preferred_shift": 300,
        "avoided_shift": 600,
        "preferred_zone": 200,
        "language": 500,
        "quick_turnaround": 400,
        "quick_turnaround_hours": 14,
        "night_run": 800,
    },
}

# --- modules ----------------------------------------------------------------------------------
TRAINING_EVIDENCE_MAX_BYTES = env_int("TRAINING_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
# Training-record CSV imports: largest file and most rows one import may hold.
TRAINING_IMPORT_MAX_BYTES = env_int("TRAINING_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
TRAINING_IMPORT_MAX_ROWS = env_int("TRAINING_IMPORT_MAX_ROWS", default=5000)
# Residents' public forms, per client (keyed, daily-rotating hash of the address, in the cache only).
ENGAGEMENT_FEEDBACK_PER_HOUR = env_int("ENGAGEMENT_FEEDBACK_PER_HOUR", default=10)
ENGAGEMENT_REGISTRATIONS_PER_HOUR = env_int("ENGAGEMENT_REGISTRATIONS_PER_HOUR", default=20)
ENGAGEMENT_FORGET_PER_HOUR = env_int("ENGAGEMENT_FORGET_PER_HOUR", default=5)
ENGAGEMENT_CANCEL_PER_HOUR = env_int("ENGAGEMENT_CANCEL_PER_HOUR", default=20)
# Generous: mail providers send one-click unsubscribes for many residents from a few addresses.
ENGAGEMENT_UNSUBSCRIBE_PER_HOUR = env_int("ENGAGEMENT_UNSUBSCRIBE_PER_HOUR", default=60)
# Largest JSON body the API reads (apps.core.api.parsers); uploads are multipart and not counted here.
API_JSON_MAX_BYTES = env_int("API_JSON_MAX_BYTES", default=1024 * 1024)
# Retention (docs/RETENTION.md): days after a session ended / a feedback item was received before
# the resident's contact details are blanked, and days a finished message row is kept.
RETENTION_REGISTRATION_CONTACT_DAYS = env_int("RETENTION_REGISTRATION_CONTACT_DAYS", default=90)
RETENTION_FEEDBACK_CONTACT_DAYS = env_int("RETENTION_FEEDBACK_CONTACT_DAYS", default=365)
RETENTION_RESIDENT_NOTIFICATION_DAYS = env_int("RETENTION_RESIDENT_NOTIFICATION_DAYS", default=90)
RETENTION_NOTIFICATION_DAYS = env_int("RETENTION_NOTIFICATION_DAYS", default=400)

KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even though accounts.ApiToken replaces it;
# without them nothing of knox's is created (a swapped model has no table).
MIGRATION_MODULES = {"knox": None}
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", default=7)
