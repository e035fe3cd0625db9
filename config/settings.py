"""Django settings for Steward, read from the environment (see README.md for every variable)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.var_dir(BASE_DIR)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# production: HTTPS-only cookies, HSTS and a mandatory SECRET_KEY; development: plain HTTP.
STEWARD_ENV = os.environ.get("STEWARD_ENV", "development")
if STEWARD_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"STEWARD_ENV must be development or production, not {STEWARD_ENV!r}"
    )
PRODUCTION = STEWARD_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG=true shows stack traces and settings to anyone; it is refused when "
        "STEWARD_ENV=production"
    )
if os.environ.get("SECRET_KEY"):
    SECRET_KEY = os.environ["SECRET_KEY"]
    if PRODUCTION and (problem := embedded.secret_key_weakness(SECRET_KEY)):
        raise ImproperlyConfigured(f"SECRET_KEY is too weak for production: {problem}")
elif PRODUCTION:
    raise ImproperlyConfigured("SECRET_KEY must be set when STEWARD_ENV=production")
else:
    SECRET_KEY = embedded.secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Steward's own apps, lowest layer first. `core.registry` finds each app's optional
# contributions (navigation, dashboard cards, beat schedules, demo and reference data) in this
# order, so core never imports an app. Demo data relies on the order: planner links to
# governance, monitoring to both.
STEWARD_APPS = [
    "core",
    "governance",
    "governance.policies",
    "planner",
    "monitoring",
    "monitoring.review",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    *STEWARD_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.VaryOnHtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
# A NUL byte in a path or query string is a 400 before any view sees it (after the auth
# middleware, so the error page can show the signed-in user's navigation).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "core.middleware.RejectNulBytesMiddleware",
)

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- database: a real PostgreSQL server, or the embedded one under var/ -----------------
EMBEDDED_DATABASE = not os.environ.get("DATABASE_URL")
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded.embedded_database_url(VAR_DIR)
# Persistent connections per process (seconds); 0 closes each at the end of a request.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…)")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (throttling, circuit breaker state) that every process sees.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "steward_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# django-axes counts failed sign-ins and locks out a user name, and separately an address,
# after LOGIN_FAILURE_LIMIT failures, for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
if env_bool("BEHIND_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
# Hashed, compressed names once `collectstatic` has run (make run, production); plain otherwise.
_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests and `runserver` read static files straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# --- security --------------------------------------------------------------------------
HTTPS_ONLY = env_bool("HTTPS_ONLY", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# A signed-in browser session lasts a working day by default.
SESSION_COOKIE_AGE = env_int("SESSION_LIFETIME_HOURS", 8) * 3600
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- email -----------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "steward@localhost")
# Absolute links in emails and calendar files: the address Steward is served on. Behind a
# proxy or on a real host name, set SITE_URL; otherwise it follows STEWARD_HOST/STEWARD_PORT
# (the address `make run` binds), with 0.0.0.0 read as "this machine".
_SERVED_HOST = os.environ.get("STEWARD_HOST", "127.0.0.1").strip() or "127.0.0.1"
SITE_URL = (
    os.environ.get("SITE_URL")
    or f"http://{'127.0.0.1' if _SERVED_HOST in ('0.0.0.0', '::') else _SERVED_HOST}"
    f":{os.environ.get('STEWARD_PORT', '8000').strip() or '8000'}"
).rstrip("/")
# With no mail server configured, emails are written as files under var/mail/ (one file per
# batch) instead of flooding the terminal.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.access.TokenScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonScopeThrottle",
        "core.api.throttling.UserScopeThrottle",
        "core.api.throttling.PipelineScopeThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        "pipeline": os.environ.get("THROTTLE_PIPELINE", "6000/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The API schema and its docs page are public in development; in production they need a
# signed-in user or a token unless API_DOCS_PUBLIC=true.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", not PRODUCTION)

SPECTACULAR_SETTINGS = {
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if API_DOCS_PUBLIC
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "TITLE": "Steward API",
    "DESCRIPTION": "Dataset licenses, red-line policies, planning, output monitoring and review.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that several serializers share get one stable name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ConversationRoleEnum": ["user", "assistant"],
        "GuardRoleEnum": ["Agent", "User"],
    },
}

# --- Celery ----------------------------------------------------------------------------
EMBEDDED_BROKER = not os.environ.get("CELERY_BROKER_URL")
if EMBEDDED_BROKER:
    CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = embedded.filesystem_broker(VAR_DIR)
else:
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Filled by each app's `beat_schedule` in its AppConfig (see core.apps.collect_beat_schedules).
CELERY_BEAT_SCHEDULE: dict = {}
# The guard model runs on its own queue so GPU workers can take just that work.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"monitoring.guard_*": {"queue": "guard"}}
# Always run tasks through the broker; tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = False

# --- Llama Guard -----------------------------------------------------------------------
GUARD_MODEL = os.environ.get("GUARD_MODEL", "")
GUARD_DEVICE = os.environ.get("GUARD_DEVICE", "auto")
GUARD_SCAN_BATCH_SIZE = env_int("GUARD_SCAN_BATCH_SIZE", 32)
GUARD_BATCH_TIMEOUT_S = env_int("GUARD_BATCH_TIMEOUT_S", 600)
GUARD_BREAKER_THRESHOLD = env_int("GUARD_BREAKER_THRESHOLD", 3)
GUARD_BREAKER_COOLDOWN_S = env_int("GUARD_BREAKER_COOLDOWN_S", 60)

# --- API tokens ---------------------------------------------------------------------------
# Days a new token lives when its creator does not say (0: tokens never expire by default).
API_TOKEN_DEFAULT_EXPIRY_DAYS = env_int("API_TOKEN_DEFAULT_EXPIRY_DAYS", 90)
# Failed bearer-token attempts from one address before it must wait (per 5 minutes).
API_TOKEN_FAILURES_PER_WINDOW = env_int("API_TOKEN_FAILURES_PER_WINDOW", 20)

# --- review queue ------------------------------------------------------------------------
REVIEW_LEASE_MINUTES = env_int("REVIEW_LEASE_MINUTES", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # kombu warns "No hostname was supplied" for the embedded filesystem broker, which
        # has no host by design.
        "kombu.connection": {"level": "ERROR" if EMBEDDED_BROKER else "WARNING"},
    },
}

# --- single sign-on and two-factor authentication ---
# OpenID Connect sign-in (mozilla-django-oidc) is off unless a client id and either an issuer
# (endpoints read from its discovery document) or all four endpoints are set. The client
# secret is read from the environment only and never logged.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "").strip()
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "").strip()
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "").strip()
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_S", 10)
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "single sign-on")
# The claim (ID token or userinfo) that lists a person's groups, and which groups give which
# Steward role ("steward-legal=Legal,steward-pm=PM"). Empty map: a group named like a role
# ("Legal", "pm") gives that role. Someone with no mapped group is refused.
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "groups")


def env_role(name: str, value: str) -> str:
    from core.roles import parse_role  # plain module, no Django: safe while settings load

    try:
        return parse_role(value).value
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


OIDC_ROLE_MAP: dict[str, str] = {}
for _pair in env_list("OIDC_ROLE_MAP", ""):
    _group, _, _role_name = _pair.rpartition("=")
    if not _group.strip():
        raise ImproperlyConfigured(f"OIDC_ROLE_MAP entries read group=Role, not {_pair!r}")
    OIDC_ROLE_MAP[_group.strip()] = env_role("OIDC_ROLE_MAP", _role_name)
# Whom a refused person should ask (an address or a team); the page names Steward's Admins
# when empty.
OIDC_ACCESS_CONTACT = os.environ.get("OIDC_ACCESS_CONTACT", "")
# Only single sign-on: the password form is hidden and every password sign-in is refused.
OIDC_ONLY = env_bool("OIDC_ONLY", False)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and (
        OIDC_ISSUER
        or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_USER_ENDPOINT)
    )
)
if OIDC_ONLY and not OIDC_ENABLED:
    raise ImproperlyConfigured(
        "OIDC_ONLY=true needs single sign-on configured (OIDC_CLIENT_ID and OIDC_ISSUER)"
    )
# Both backends stay listed and decide per request (sso.py): the OpenID Connect one does
# nothing while SSO is off, the password one refuses while OIDC_ONLY is on.
AUTHENTICATION_BACKENDS = [
    "core.sso.PasswordBackend" if _backend.endswith(".ModelBackend") else _backend
    for _backend in AUTHENTICATION_BACKENDS
] + ["core.sso.OIDCBackend"]

# Two-factor sign-in with TOTP codes (django-otp). Anyone may enrol; people holding one of
# OTP_REQUIRED_ROLES ("Legal,Admin") must enrol before using any page. API bearer tokens are
# not affected. A single sign-on session counts as verified by the provider unless
# OTP_AFTER_SSO=true.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("core.otp.TwoFactorMiddleware")
OTP_REQUIRED_ROLES = [env_role("OTP_REQUIRED_ROLES", n) for n in env_list("OTP_REQUIRED_ROLES", "")]
OTP_AFTER_SSO = env_bool("OTP_AFTER_SSO", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Steward")
