"""Settings for zvhd: one module, driven by the environment.

Every variable is documented in `.env.example`. Defaults are the embedded first-run set-up (SQLite and
a filesystem Celery broker under `var/`); production sets `DJANGO_DEBUG=false` and supplies the secrets,
PostgreSQL and Redis. Nothing here can switch access checks off.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from zvhd.env import REQUIRED, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZVHD_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# Development may run without a secret; production must supply one or refuse to start.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-only-for-debug" if DEBUG else REQUIRED)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "zvhd.reference",
    "zvhd.accounts",
    "zvhd.audit",
    "zvhd.health",
    "cases",
    "triage",
    "aftercare",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zvhd.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: an ended session leaves a message for the login page.
    "zvhd.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zvhd.urls"
WSGI_APPLICATION = "zvhd.wsgi.application"

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
                "zvhd.reference.context_processors.house",
                "zvhd.accounts.context_processors.capabilities",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zvhd.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        # A persistent connection outlives a database restart; check it before reuse instead of failing
        # the first request after the restart.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker write to the same file: WAL lets readers go on while one
    # writes, IMMEDIATE transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Two-factor login (docs/adr/0009): a password step, then a TOTP code (django-otp); failed attempts lock
# a combination of user name and address (django-axes). See INSTALLED_APPS and MIDDLEWARE above.
AUTHENTICATION_BACKENDS = [
    # First: a locked combination is refused before its password is even tried.
    "zvhd.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Guardian: no shared anonymous account; every account is personal.
ANONYMOUS_USER_NAME = None

SESSION_COOKIE_AGE = env_int("ZVHD_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True  # the idle timeout restarts with every request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after the login (zvhd.accounts.middleware).
ZVHD_SESSION_MAX_HOURS = env_int("ZVHD_SESSION_MAX_HOURS", 12, minimum=1, maximum=24)
# Between the password and the code: how long the password step stays valid.
ZVHD_LOGIN_PENDING_SECONDS = 5 * 60

# django-otp: TOTP codes of 6 digits every 30 seconds, one step of clock difference either way; a code is
# accepted once. After a wrong code the device waits 1, 2, 4, 8 ... seconds before it checks another.
# The admin never shows a confirmed device's secret or QR code: whoever can open the admin could otherwise
# produce anybody's codes. A lost phone is handled by deleting the device; the user enrols anew.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: 5 failed attempts (a wrong password or a wrong code) by one user name from one address lock
# that combination for 15 minutes; another address or another user name is not affected. A failure counts
# until 15 minutes after the last one; a successful login clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same origin address as the access log: behind the proxy, the hop the proxy appended last.
AXES_CLIENT_IP_CALLABLE = "zvhd.audit.services.client_ip"
AXES_LOCKOUT_CALLABLE = "zvhd.accounts.views.login_locked_out"
# Never store a typed code in the record of a failed attempt (passwords are masked by django-axes itself).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False  # no banner on every start; failures are still logged, without name and address

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nlds/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("nlds/theme", NODE_MODULES / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist"),
    ("nlds/fonts", NODE_MODULES / "@fontsource-variable" / "noto-sans" / "files"),
]
_static_storage = env_choice("ZVHD_STATIC_STORAGE", "simple" if DEBUG else "manifest", {"simple", "manifest"})
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _static_storage == "manifest"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------------
HTTPS = env_bool("ZVHD_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("ZVHD_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the reverse proxy of docker-compose: trust its X-Forwarded-Proto and the X-Forwarded-For hop it
# appended last; a client talking to the app directly cannot set either.
BEHIND_PROXY = env_bool("ZVHD_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Deny by default: every endpoint needs an authenticated user, and each view adds its capability.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zvhd API",
    "DESCRIPTION": "Cliëntvolgsysteem voor Zorg- en Veiligheidshuizen. Every endpoint is scoped by "
    "need-to-know access: cases you may not see answer 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "cases.models.Case.Kind",
        "CaseEventKindEnum": "cases.models.CaseEvent.Kind",
    },
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker: messages are files in one folder, so a real worker and beat run without Redis.
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
ZVHD_HEARTBEAT_SECONDS = env_int("ZVHD_HEARTBEAT_SECONDS", 60, minimum=5)
# The werkvoorraad's weekly prioritisation: weekday (mon … sun) and time, before the Monday work starts.
ZVHD_WAITING_LIST_DAY = env_choice(
    "ZVHD_WAITING_LIST_DAY", "mon", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)
ZVHD_WAITING_LIST_HOUR = env_int("ZVHD_WAITING_LIST_HOUR", 6, minimum=0, maximum=23)
ZVHD_WAITING_LIST_MINUTE = env_int("ZVHD_WAITING_LIST_MINUTE", 30, minimum=0, maximum=59)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")

# --- The house --------------------------------------------------------------------------------
# Which house this installation serves is data, not code: the reference data file names the
# municipalities, partners and topics and is loaded by a data migration.
ZVHD_REFERENCE_DATA = Path(
    env_str("ZVHD_REFERENCE_DATA", str(BASE_DIR / "zvhd" / "reference" / "data" / "drenthe.json"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("ZVHD_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint reports every layout step and font subset at INFO: a hundred lines per PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
