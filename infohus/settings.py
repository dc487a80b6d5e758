"""Infohus settings: one module, every value from the environment through infohus.env."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from infohus.env import env_bool, env_choice, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

INFOHUS_ENV = env_choice("INFOHUS_ENV", "development", ("development", "production"))
PRODUCTION = INFOHUS_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
    if len(FIELD_ENCRYPTION_KEY) < 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be at least 32 random characters in production")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production")
else:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-key-not-for-production-" + "x" * 20)
    FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "development-only-field-key-not-for-production")

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when INFOHUS_ENV=production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Addresses of the reverse proxies whose X-Forwarded-For names the client (docs/deployment.md).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "infohus.audit",
    "infohus.accounts",
    "infohus.directory",
    "infohus.cases",
    "infohus.assessments",
    "infohus.training",
    "infohus.interventions",
    "infohus.community",
    "infohus.insights",
    "infohus.privacy",
    "infohus.sso",
    "infohus.api",
    "infohus.background",
    "infohus.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "infohus.core.middleware.ClientAddressMiddleware",
    "infohus.core.middleware.RequestIdMiddleware",
    "infohus.api.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "infohus.accounts.middleware.SessionLifetimeMiddleware",
    "infohus.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "infohus.core.middleware.NoStoreForSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Served by the application only in production; runserver serves them in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "infohus.urls"
# Widgets render through the project's templates, which give form fields the design system's
# classes (infohus/templates/django/forms/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "infohus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "infohus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "infohus.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(BASE_DIR / "infohus.sqlite3"))}
# An optional read replica for the statistics (infohus/core/replica.py, docs/deployment.md).
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = {**env_database("DATABASE_REPLICA_URL", ""), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["infohus.core.replica.StatisticsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    # Several worker processes must share sessions' cache, rate limits and sign-in throttling.
    raise ImproperlyConfigured("REDIS_URL must name the shared cache in production (redis://host:6379/0)")
if REDIS_URL:
    # A cache only: while Redis is unreachable the desk answers from the database (core/cache.py).
    CACHES = {"default": {
        "BACKEND": "infohus.core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1,
                    "retry_seconds": env_int("REDIS_RETRY_SECONDS", 5, minimum=1)},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "core:front"

# Sessions live in the database (so that deactivating a user can end them all). With a shared
# cache (Redis) they are read through it; a per-process cache would let another worker serve an
# ended session, so without Redis they are read from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 10, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling (django-axes): pause a user name from one address after repeated failures.
# Unknown names count the same as known ones, so the answer reveals nothing.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# How long emergency (break-the-glass) access to a case lasts.
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", 60, minimum=5)

OTP_TOTP_ISSUER = "Infohus"
OTP_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "infohus" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "infohus" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

_MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
# Where people reach the site, for links in e-mails sent by background tasks (no request there).
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Infohus <noreply@infohus.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A strict policy: nothing from other hosts, no inline script; inline <script> needs the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000, minimum=1)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fontTools logs each step of subsetting the font embedded in a PDF summary at INFO.
    # Django's own "django" logger prints to the console in DEBUG as well; it goes through the
    # root's handler only, so that each line (a task's state, a request) is printed once.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True},
                "axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Single sign-on: an identity provider's issuer must be https, except on this machine's loopback
# where this allows plain http (development and the tests' own provider).
SSO_ALLOW_HTTP_LOOPBACK = env_bool("SSO_ALLOW_HTTP_LOOPBACK", DEBUG) and not PRODUCTION

# Background work (django.tasks). "database" keeps queued tasks in PostgreSQL for the worker
# (`manage.py db_worker`, which `make run` starts); "immediate" runs each task in the request that
# queues it (development and tests without a worker).
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database" if PRODUCTION else "immediate", ("database", "immediate"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend" if TASKS_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# How often a failed task is tried in all before it is shown to administrators as failed.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)

# The desk's JSON API. Tokens live at most this many days; calls per token and per address.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 90, minimum=1)
API_RATE_PER_TOKEN = env_str("API_RATE_PER_TOKEN", "600/m")
API_RATE_FAILED_PER_ADDRESS = env_str("API_RATE_FAILED_PER_ADDRESS", "30/m")

# Insights: a published count below this shows as "<5" (and enough other cells are hidden that
# it cannot be worked out). Research extracts must reach at least this k on their quasi-identifiers.
INSIGHTS_MIN_CELL = env_int("INSIGHTS_MIN_CELL", 5, minimum=3)
# How long the dashboard's suppressed figures for one filter are kept in the cache (0: not at all).
INSIGHTS_CACHE_SECONDS = env_int("INSIGHTS_CACHE_SECONDS", 600)

# Legal minimums of retention per kind of record (privacy/retention.py), raised where the
# organisation's legal assessment says so: RETENTION_MINIMUM_MONTHS="case_closed=36,audit_event=60".
# A minimum can only be raised above the one in the code, never lowered.
RETENTION_MINIMUM_MONTHS: dict[str, int] = {}
for _item in env_list("RETENTION_MINIMUM_MONTHS", []):
    _kind, _sep, _months = _item.partition("=")
    if not _months.strip().isdigit():
        raise ImproperlyConfigured(f"RETENTION_MINIMUM_MONTHS: {_item!r} is not kind=months")
    RETENTION_MINIMUM_MONTHS[_kind.strip()] = int(_months)
