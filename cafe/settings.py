"""Settings for Café con el Secretario, read from the environment (django-environ).

Every value that differs between a laptop, CI and production comes from an environment
variable (or a ``.env`` file beside ``manage.py``); the README lists them all. The
defaults are the embedded set-up: SQLite, no broker (tasks run in-process), e-mail to
the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Refused in production by cafe.checks.refuse_insecure_production.
INSECURE_DEV_SECRET_KEY = (
    "django-insecure-solo-para-desarrollo-local-no-usar-en-produccion"  # noqa: S105
)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
# Previous keys, still accepted for sessions and links while a rotation settles.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------------

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    "cafe.org",
    "cafe.notify",
    "cafe.ops",
    "sessions_app",
    "proposals",
]

MIDDLEWARE = [
    "cafe.ops.logs.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cafe.org.middleware.PrivacyNoticeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # django-axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cafe.urls"
WSGI_APPLICATION = "cafe.wsgi.application"

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
                "cafe.org.context_processors.site",
            ],
        },
    },
]

# Widget templates are looked up like any other (the project's templates first), so a
# project widget can have its own (cafe.widgets.FlatSelect).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections (checked before reuse): a new connection per request costs
# more than most pages. Budget: gunicorn workers x hosts + Celery concurrency.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds only what can be computed again: with Redis it fails open (an error
# is a miss, cafe/common/cache.py) and gives up quickly on a frozen server.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "cafe.common.cache.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=0.5, socket_timeout=0.5
    )

# --- People and login ---------------------------------------------------------------

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cafe.org.password_login.PasswordPolicyBackend",
    "cafe.org.sso.DirectoryOIDCBackend",
]
# Single sign-on (OpenID Connect; cafe.org.sso). On when OIDC_RP_CLIENT_ID is set.
# The endpoints come from the issuer's discovery document unless set one by one.
CAFE_SSO_DEMO_PROVIDER = env.bool("CAFE_SSO_DEMO_PROVIDER", default=False)
CAFE_SSO_DEMO_PROVIDER_PORT = env.int("CAFE_SSO_DEMO_PROVIDER_PORT", default=9400)
_demo_issuer = f"http://127.0.0.1:{CAFE_SSO_DEMO_PROVIDER_PORT}"
OIDC_RP_CLIENT_ID = env.str(
    "OIDC_RP_CLIENT_ID", default="cafe-demo" if CAFE_SSO_DEMO_PROVIDER else ""
)
OIDC_RP_CLIENT_SECRET = env.str(
    "OIDC_RP_CLIENT_SECRET", default="demo" if CAFE_SSO_DEMO_PROVIDER else ""
)
OIDC_OP_ISSUER = env.str(
    "OIDC_OP_ISSUER", default=_demo_issuer if CAFE_SSO_DEMO_PROVIDER else ""
)
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # the staff directory decides who enters
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG
CAFE_SSO_EMAIL_DOMAINS = env.list(
    "CAFE_SSO_EMAIL_DOMAINS",
    default=["secretariageneral.gov.co", "alcaldiabogota.gov.co"]
    + (["demo.secretariageneral.gov.co"] if CAFE_SSO_DEMO_PROVIDER else []),
)
CAFE_SSO_DEPARTMENT_CLAIM = env.str("CAFE_SSO_DEPARTMENT_CLAIM", default="")
CAFE_PASSWORD_LOGIN = env.str(
    "CAFE_PASSWORD_LOGIN",
    default="admins" if OIDC_RP_CLIENT_ID and not CAFE_SSO_DEMO_PROVIDER else "all",
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock the pair (username, IP), never a whole office behind one NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form posts the e-mail in the "username" field (axes would look for "email",
# the USERNAME_FIELD, find nothing and lock the whole IP address).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cafe.errors.csrf_failure"

# --- Security (HTTPS hardening on unless DEBUG, or switched off explicitly) ---------

SECURE = env.bool("DJANGO_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers and orchestrators probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Language and time --------------------------------------------------------------

LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", _("Español (Colombia)"))]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files -------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files (the bulletin's photos). Served by Django only with DEBUG; in
# production the reverse proxy serves MEDIA_ROOT at MEDIA_URL (docs/operacion).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# A silent SMTP server must never hang a worker: fail after this many seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    default="Café con el Secretario <cafe@secretariageneral.gov.co>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured (the embedded default): run tasks in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# Where beat keeps its schedule state (a writable place under systemd).
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default="celerybeat-schedule"
)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 120
# Far longer than any task's hard time limit, so an unacknowledged task is never
# redelivered while it still runs (a redelivery loop would send e-mail again and again).
CELERY_VISIBILITY_TIMEOUT = 15 * CELERY_TASK_TIME_LIMIT
# A dead or frozen Redis must not hang a web request: fail fast, the outbox keeps it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_timeout": 3,
    "socket_connect_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10
# Anonymous proposals wait in a queue without time and are published together, in
# random order, this often: the period is all that dates them (proposals/services/
# anonymous.py). Longer hides more; the tracking code finds them while they wait.
PROPOSALS_ANONYMOUS_BATCH_MINUTES = env.int(
    "PROPOSALS_ANONYMOUS_BATCH_MINUTES", default=60
)
# Every job is a dispatcher that asks the database what is due (idempotent through
# the outbox keys), so a missed or doubled beat sends nothing twice.
CELERY_BEAT_SCHEDULE = {
    "notify-sweep-outbox": {
        "task": "notify.sweep_outbox",
        "schedule": timedelta(
            seconds=env.int("NOTIFY_SWEEP_EVERY_SECONDS", default=120)
        ),
    },
    "notify-pump-shared": {
        "task": "notify.pump_shared",
        "schedule": timedelta(minutes=1),
    },
    "sessions-monthly-invitations": {
        "task": "sessions.send_monthly_invitations",
        "schedule": crontab(hour=7, minute=0),
    },
    "sessions-reminders": {
        "task": "sessions.send_reminders",
        "schedule": timedelta(minutes=15),
    },
    "sessions-allocate-seats": {
        "task": "sessions.allocate_seats",
        "schedule": timedelta(minutes=5),
    },
    "sessions-post-session": {
        "task": "sessions.send_post_session",
        "schedule": crontab(minute=10),
    },
    "proposals-overdue-digests": {
        "task": "proposals.send_overdue_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    "org-deactivate-expired-contracts": {
        "task": "org.deactivate_expired_contracts",
        "schedule": crontab(hour=0, minute=30),
    },
    "proposals-escalate-overdue": {
        "task": "proposals.escalate_overdue_commitments",
        "schedule": crontab(hour=7, minute=45),
    },
    "ops-check-and-alert": {
        "task": "ops.check_and_alert",
        "schedule": timedelta(seconds=env.int("CAFE_OPS_CHECK_SECONDS", default=900)),
    },
    "proposals-compose-bulletin": {
        "task": "proposals.compose_bulletin",
        "schedule": crontab(hour=6, minute=0),
    },
    "proposals-monthly-report": {
        "task": "proposals.monthly_report",
        "schedule": crontab(hour=6, minute=30),
    },
    "org-habeas-daily": {
        "task": "org.habeas_daily",
        "schedule": crontab(hour=6, minute=30),
    },
    "org-apply-retention": {
        "task": "org.apply_retention",
        "schedule": crontab(hour=2, minute=0),
    },
    "proposals-publish-anonymous": {
        "task": "proposals.publish_anonymous",
        "schedule": timedelta(minutes=PROPOSALS_ANONYMOUS_BATCH_MINUTES),
    },
    "proposals-rebuild-themes": {
        "task": "proposals.rebuild_themes",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- The deployment (another entity can run its own instance) -----------------------

CAFE_ENTITY_NAME = env.str(
    "CAFE_ENTITY_NAME", default="Secretaría General de la Alcaldía Mayor de Bogotá"
)
CAFE_ENTITY_SHORT_NAME = env.str("CAFE_ENTITY_SHORT_NAME", default="Secretaría General")
CAFE_PROGRAM_NAME = env.str("CAFE_PROGRAM_NAME", default="Un Café con el Secretario")
CAFE_LEADER_TITLE = env.str("CAFE_LEADER_TITLE", default="Secretario General")
CAFE_BULLETIN_NAME = env.str("CAFE_BULLETIN_NAME", default="Soy 10")
# The absolute base of links in e-mails and calendar files; by default the local server
# on PORT (the port `make run` serves on).
CAFE_SITE_URL = env.str(
    "CAFE_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
CAFE_SUPPORT_EMAIL = env.str(
    "CAFE_SUPPORT_EMAIL", default="soporte@secretariageneral.gov.co"
)
# Operations (cafe.ops): who may read /metrics, whom to alert, what counts as late.
CAFE_METRICS_ALLOWED_IPS = env.list("CAFE_METRICS_ALLOWED_IPS", default=["127.0.0.1"])
CAFE_OPERATOR_EMAILS = env.list("CAFE_OPERATOR_EMAILS", default=[])
CAFE_OUTBOX_PENDING_ALERT_MINUTES = env.int(
    "CAFE_OUTBOX_PENDING_ALERT_MINUTES", default=30
)
CAFE_BACKUP_DIR = env.str("CAFE_BACKUP_DIR", default=str(BASE_DIR / "backups"))
CAFE_BACKUP_MAX_AGE_HOURS = env.int("CAFE_BACKUP_MAX_AGE_HOURS", default=26)

# The staff roster from Talento Humano (cafe.org.directory).
CAFE_DIRECTORY_MAX_FILE_BYTES = env.int("CAFE_DIRECTORY_MAX_FILE_MB", default=20) << 20
CAFE_BRAND_PRIMARY = env.str("CAFE_BRAND_PRIMARY", default="#8a1538")
CAFE_BRAND_SECONDARY = env.str("CAFE_BRAND_SECONDARY", default="#1d3b6f")
CAFE_PRIVACY_NOTICE_VERSION = env.str("CAFE_PRIVACY_NOTICE_VERSION", default="2026-11")
# The text of the aviso de privacidad: a file (Markdown-free plain text, paragraphs
# separated by blank lines) or, if unset, the default text in cafe/org/privacy.py.
CAFE_PRIVACY_NOTICE_FILE = env.str("CAFE_PRIVACY_NOTICE_FILE", default="")
CAFE_PRIVACY_NOTICE_TEXT = env.str("CAFE_PRIVACY_NOTICE_TEXT", default="")

# Retention of personal data, in days (legal basis of each: docs/datos-personales.md).
CAFE_RETENTION_OUTBOX_BODY_DAYS = env.int(
    "CAFE_RETENTION_OUTBOX_BODY_DAYS", default=180
)
CAFE_RETENTION_LOGIN_LOG_DAYS = env.int("CAFE_RETENTION_LOGIN_LOG_DAYS", default=365)
CAFE_RETENTION_NEEDS_DAYS = env.int("CAFE_RETENTION_NEEDS_DAYS", default=30)
CAFE_RETENTION_SURVEY_COMMENT_DAYS = env.int(
    "CAFE_RETENTION_SURVEY_COMMENT_DAYS", default=730
)
CAFE_RETENTION_INACTIVE_ACCOUNT_DAYS = env.int(
    "CAFE_RETENTION_INACTIVE_ACCOUNT_DAYS", default=730
)
CAFE_RETENTION_ACCESS_LOG_DAYS = env.int("CAFE_RETENTION_ACCESS_LOG_DAYS", default=1825)

# Outbox: how long a claimed delivery is leased to one worker, how many attempts a
# temporary failure gets before the row is marked failed, and how old a pending row must
# be before the sweeper re-enqueues it.
NOTIFY_CLAIM_SECONDS = env.int("NOTIFY_CLAIM_SECONDS", default=300)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_SWEEP_AFTER_SECONDS = env.int("NOTIFY_SWEEP_AFTER_SECONDS", default=60)
# A worker keeps its SMTP session open for the next single message this long (idle);
# keep it below the relay's idle timeout (Exchange Online: about 60 s).
NOTIFY_SMTP_KEEP_SECONDS = env.int("NOTIFY_SMTP_KEEP_SECONDS", default=30)
# Mass mailings (bulletin, invitations) go out at this rate, in batches of this size:
# set the rate to the mail provider's per-minute limit (Exchange Online: about 30).
NOTIFY_BULK_RATE_PER_MINUTE = env.int("NOTIFY_BULK_RATE_PER_MINUTE", default=30)
NOTIFY_BULK_BATCH_SIZE = env.int("NOTIFY_BULK_BATCH_SIZE", default=50)

# Sessions: the cadence (sessions the leader holds a month; the rotation warning's
# cycle follows from it), defaults of the monthly planner, survey privacy threshold.
SESSIONS_PER_MONTH = env.int("SESSIONS_PER_MONTH", default=2)
SESSIONS_DEFAULT_START = env.str("SESSIONS_DEFAULT_START", default="09:00")
SESSIONS_DEFAULT_DURATION_MINUTES = env.int(
    "SESSIONS_DEFAULT_DURATION_MINUTES", default=90
)
SESSIONS_DEFAULT_CAPACITY = env.int("SESSIONS_DEFAULT_CAPACITY", default=30)
SESSIONS_DEFAULT_PLACE = env.str(
    "SESSIONS_DEFAULT_PLACE", default="Sala de juntas del Despacho, Palacio Liévano"
)
SESSIONS_REGISTRATION_CLOSES_HOURS = env.int(
    "SESSIONS_REGISTRATION_CLOSES_HOURS", default=2
)
SESSIONS_SURVEY_MIN_ANSWERS = env.int("SESSIONS_SURVEY_MIN_ANSWERS", default=5)
# Office hours (Bogotá, HH:MM): scheduling a session outside them asks to confirm.
SESSIONS_OFFICE_HOURS_START = env.str("SESSIONS_OFFICE_HOURS_START", default="07:00")
SESSIONS_OFFICE_HOURS_END = env.str("SESSIONS_OFFICE_HOURS_END", default="18:00")

# Proposals: anonymity threshold and the default commitment term (business days on
# the Colombian calendar).
PROPOSALS_MIN_ANONYMOUS_AUDIENCE = env.int(
    "PROPOSALS_MIN_ANONYMOUS_AUDIENCE", default=5
)
PROPOSALS_COMMITMENT_BUSINESS_DAYS = env.int(
    "PROPOSALS_COMMITMENT_BUSINESS_DAYS", default=30
)
# A commitment overdue by more than this many business days is escalated to the head
# of its dependency (proposals.services.escalation).
PROPOSALS_ESCALATE_AFTER_DAYS = env.int("PROPOSALS_ESCALATE_AFTER_DAYS", default=5)
# The dashboard's figures are cached until the data changes, and at most this long.
PROPOSALS_BULLETIN_SECTION_ITEMS = env.int(
    "PROPOSALS_BULLETIN_SECTION_ITEMS", default=10
)
# Bulletin photos: the largest upload accepted, and the width they are stored at.
PROPOSALS_BULLETIN_PHOTO_MAX_BYTES = env.int(
    "PROPOSALS_BULLETIN_PHOTO_MAX_BYTES", default=8 * 1024 * 1024
)
PROPOSALS_BULLETIN_PHOTO_WIDTH = env.int("PROPOSALS_BULLETIN_PHOTO_WIDTH", default=1200)
PROPOSALS_DASHBOARD_CACHE_SECONDS = env.int(
    "PROPOSALS_DASHBOARD_CACHE_SECONDS", default=300
)

# --- Logging ------------------------------------------------------------------------

# One JSON line per request (cafe.ops.logs) with a request id that the Celery tasks
# it enqueued carry too; plain text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cafe.ops.logs.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.server": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks: a line per task run ("Task ... succeeded") would bury the
    # server's own output.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
