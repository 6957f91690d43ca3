"""Sportello's one settings module. Every knob is an environment variable, documented in README.md."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helpdesk.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789"  # noqa: S105 (DEBUG only)
# Earlier keys, newest first, still accepted after a rotation (sessions, signed links, mailbox passwords).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "helpdesk.apps.SportelloAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",  # the JSON API's OpenAPI docs page, from its bundled static files
    "helpdesk.accounts",
    "helpdesk.mail",
    "helpdesk.api",
    "helpdesk.automation",
    "helpdesk.timetracking",
    "tickets",
    "tasks",
    "faq",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "helpdesk.middleware.SlidingSessionMiddleware",
    "helpdesk.middleware.AbsoluteSessionExpiryMiddleware",
    "helpdesk.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured, jobs run eagerly in the web process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = env_str("TIME_ZONE", "UTC")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default's worker (./sportello run): messages are files under var/, no broker server.
    _QUEUE_DIR = str(BASE_DIR / "var" / "queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _QUEUE_DIR,
        "data_folder_out": _QUEUE_DIR,
        "control_folder": str(BASE_DIR / "var" / "queue-control"),
    }
CELERY_BEAT_SCHEDULE = {
    "mark-overdue-tickets": {
        "task": "tickets.jobs.mark_overdue_tickets",
        "schedule": float(env_int("OVERDUE_CHECK_SECONDS", 300, minimum=10)),
    },
    "auto-close-tickets": {
        "task": "helpdesk.automation.jobs.auto_close_tickets",
        "schedule": 3600.0,
    },
    "fetch-mail": {
        "task": "helpdesk.mail.jobs.fetch_mail",
        "schedule": float(env_int("MAIL_POLL_SECONDS", 60, minimum=5)),
    },
    # The dashboard's daily rollup: finished days (and the two before) are stored; today is computed live.
    "dashboard-roll-up": {
        "task": "dashboard.jobs.roll_up_days",
        "schedule": 3600.0,
    },
    # Expired sessions and links, old records of fetched mail and the old sign-in log (tickets/housekeeping.py).
    "housekeeping": {
        "task": "tickets.jobs.tidy_up",
        "schedule": 86400.0,
    },
}

# Users, login and passwords
AUTH_USER_MODEL = "accounts.User"
# User.email is unique case-insensitively (a Lower() constraint), which auth.W004 cannot see;
# get_by_natural_key matches with iexact accordingly.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "helpdesk.accounts.backends.StaffBackend",  # Django's ModelBackend, loading the agent with the user
]
LOGIN_URL = "scp:login"
LOGIN_REDIRECT_URL = "scp:home"  # the operator starts the day on the home widgets
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: after AXES_FAILURE_LIMIT failures a user+address pair is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The sign-in log (address and browser of each sign-in) is deleted after this many days (0: kept).
SIGN_IN_LOG_DAYS = env_int("SIGN_IN_LOG_DAYS", 90, minimum=0)
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Two-factor: staff who have a TOTP device must enter its code; STAFF_REQUIRE_2FA makes it compulsory.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Sportello")

# Sessions: idle expiry through a sliding cookie saved at most once a minute, absolute expiry, both by
# our middleware. With Redis, sessions are read from the cache (written through to the database); a
# per-process memory cache cannot share a sign-out between workers, so without Redis they stay in the database.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS hardening, on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: our own scripts and styles only, never inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Internationalisation
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

# Static files (ours and the npm-installed vendor assets) and uploads (outside any served or executable path).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "uploads")))
MEDIA_URL = "/attachments/"
FILE_UPLOAD_PERMISSIONS = 0o640
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024

# Outgoing mail: SMTP when EMAIL_HOST is set, else printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sportello <helpdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Our Message-IDs end in this domain and carry an HMAC keyed by MAIL_SIGNING_KEY (SECRET_KEY if unset).
MAIL_MESSAGE_ID_DOMAIN = env_str(
    "MAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
)
MAIL_SIGNING_KEY = env_str("MAIL_SIGNING_KEY")

# Incoming mail: mailboxes (configured in the admin) are polled every MAIL_POLL_SECONDS.
MAIL_POLL_SECONDS = env_int("MAIL_POLL_SECONDS", 60, minimum=5)
MAIL_FETCH_TIMEOUT = env_int("MAIL_FETCH_TIMEOUT", 60, minimum=5)  # seconds for one mail server operation
MAIL_TLS_CA_FILE = env_str("MAIL_TLS_CA_FILE")  # a private CA for mail servers; empty: the system's
MAIL_MAX_MESSAGE_BYTES = env_int("MAIL_MAX_MESSAGE_BYTES", 40 * 1024 * 1024, minimum=1024)
MAIL_ROBOT_POLICY = env_str("MAIL_ROBOT_POLICY", "import").strip().lower()
if MAIL_ROBOT_POLICY not in ("import", "drop"):
    raise ImproperlyConfigured(f"MAIL_ROBOT_POLICY must be import or drop, not {MAIL_ROBOT_POLICY!r}")
MAIL_RATE_LIMIT_COUNT = env_int("MAIL_RATE_LIMIT_COUNT", 20)  # mails per sender per window; 0 turns it off
MAIL_RATE_LIMIT_MINUTES = env_int("MAIL_RATE_LIMIT_MINUTES", 10, minimum=1)
# Records of imported, dropped and too-large mail are deleted after this many days (0: kept); failed and held
# mail stays until an admin deals with it.
MAIL_KEEP_DAYS = env_int("MAIL_KEEP_DAYS", 90, minimum=0)
MAIL_CC_AS_COLLABORATORS = env_bool("MAIL_CC_AS_COLLABORATORS", True)

# API: osTicket-compatible ticket creation (X-API-Key) and the agents' JSON API (bearer tokens).
# X-Forwarded-For is believed only from these addresses or ranges.
API_TRUSTED_PROXIES = env_networks("API_TRUSTED_PROXIES")
API_MAX_REQUEST_BYTES = env_int("API_MAX_REQUEST_BYTES", 30 * 1024 * 1024, minimum=1024)
API_MAX_ATTACHMENTS = env_int("API_MAX_ATTACHMENTS", 10)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)  # requests per minute per key or token; 0 turns it off
# Agents make and revoke their own JSON API tokens in their profile; false: only admins, in the admin.
AGENT_TOKENS_SELF_SERVICE = env_bool("AGENT_TOKENS_SELF_SERVICE", True)

# Tickets
TICKET_NUMBER_DIGITS = env_int("TICKET_NUMBER_DIGITS", 6, minimum=4)

# Automation: status moves on replies, and closing tickets left waiting (README, "Automation").
AUTOMATION_REOPEN_ON_CUSTOMER_REPLY = env_bool("AUTOMATION_REOPEN_ON_CUSTOMER_REPLY", True)
AUTOMATION_AWAIT_CUSTOMER_ON_REPLY = env_bool("AUTOMATION_AWAIT_CUSTOMER_ON_REPLY", True)
AUTOMATION_AWAITING_STATUS = env_str("AUTOMATION_AWAITING_STATUS", "Awaiting customer")
AUTO_CLOSE_DAYS = env_int("AUTO_CLOSE_DAYS", 14)  # 0 turns auto-close off
AUTO_CLOSE_STATUSES = env_list("AUTO_CLOSE_STATUSES", ["Resolved", "Awaiting customer"])

# Customer portal: signed mail links, branding and what customers may do themselves.
PORTAL_LINK_DAYS = env_int("PORTAL_LINK_DAYS", 30, minimum=1)
PORTAL_NAME = env_str("PORTAL_NAME", "Sportello")
PORTAL_LOGO_URL = env_str("PORTAL_LOGO_URL")
PORTAL_PRIMARY_COLOR = env_str("PORTAL_PRIMARY_COLOR", "#1f3a5f")
if (
    not PORTAL_PRIMARY_COLOR.startswith("#")
    or len(PORTAL_PRIMARY_COLOR) != 7
    or not all(c in "0123456789abcdefABCDEF" for c in PORTAL_PRIMARY_COLOR[1:])
):
    raise ImproperlyConfigured(f"PORTAL_PRIMARY_COLOR must look like #1f3a5f, not {PORTAL_PRIMARY_COLOR!r}")
PORTAL_FOOTER = env_str("PORTAL_FOOTER")
PORTAL_CUSTOMER_CAN_CLOSE = env_bool("PORTAL_CUSTOMER_CAN_CLOSE", True)
# Per client address and per e-mail address, each hour: new tickets, and status checks / sign-ups / resets.
PORTAL_TICKETS_PER_HOUR = env_int("PORTAL_TICKETS_PER_HOUR", 10, minimum=1)
PORTAL_LOOKUPS_PER_HOUR = env_int("PORTAL_LOOKUPS_PER_HOUR", 10, minimum=1)
# What customers may attach: file name extensions, and how many files per message.
PORTAL_ATTACHMENT_EXTENSIONS = [
    extension.lower().lstrip(".")
    for extension in env_list(
        "PORTAL_ATTACHMENT_EXTENSIONS",
        ["pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "csv", "doc", "docx", "xls", "xlsx", "odt", "ods", "zip"],
    )
]
PORTAL_ATTACHMENTS_PER_MESSAGE = env_int("PORTAL_ATTACHMENTS_PER_MESSAGE", 5, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
