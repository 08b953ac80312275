"""Portico settings: every value comes from the environment, with safe development defaults.

See the README's "Configuration" table. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portico.core.config import env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("PORTICO_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-portico-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105 — development only, refused with DEBUG off
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the ALLOWED_HOSTS environment variable when DEBUG is off.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {SITE_URL!r}.")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "portico.core",
    "portico.accounts",
    "portico.orgs",
    "portico.contacts",
    "portico.sales",
    "portico.payments",
    "portico.payments.gateways.sandbox",
    "portico.projects",
    "portico.statements",
    "portico.documents",
    "portico.activity",
    "portico.webhooks",
    "portico.portal",
    "portico.backoffice",
    "ninja",  # its templates and static files: the API docs need no CDN
    "portico.api",
    "portico.devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portico.accounts.middleware.OrganisationMiddleware",
    "portico.portal.self_service.middleware.PortalLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portico.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portico.urls"
WSGI_APPLICATION = "portico.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL points elsewhere.
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a usable database address: {exc}"
        ) from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "portico.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Sessions and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 12, minimum=60)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 60 * 60, minimum=60)

# HTTPS hardening when not in development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the sandbox gateway's hosted fields opt in to SAMEORIGIN
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: no inline script, no outside hosts (the back office loosens
# styles only, see portico.core.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https://www.gravatar.com"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Login throttling: per (email, IP), a cool-down rather than a permanent lock-out.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portico.accounts.throttling.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Internationalisation.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]

# Static and uploaded files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
_media_backends = {
    "filesystem": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}
if MEDIA_STORAGE not in _media_backends:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be one of {', '.join(_media_backends)}, not {MEDIA_STORAGE!r}."
    )
STORAGES = {
    "default": {"BACKEND": _media_backends[MEDIA_STORAGE]},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Outgoing mail: files under var/mail/ in development, SMTP (smtp://…) in production.
_email_url = env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
try:
    _email = dj_email_url.parse(_email_url)
except (KeyError, ValueError) as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not a usable mail address: {exc}") from None
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
# dj-email-url drops the leading slash of file:///abs/path; keep the path as written.
EMAIL_FILE_PATH = (
    _email_url.removeprefix("file://")
    if _email_url.startswith("file://")
    else str(VAR_DIR / "mail")
)
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 20
# Outgoing webhooks: https only, and no loopback/private/link-local targets, unless DEBUG.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portico <no-reply@portico.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's task API. "database" runs through `portico worker`.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in _task_backends:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_task_backends)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _task_backends[TASKS_BACKEND]}}
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "rq":
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every stylesheet it parses at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# django-unfold: the back office's look.
UNFOLD = {
    "SITE_TITLE": "Portico",
    "SITE_HEADER": "Portico back office",
    "SITE_SYMBOL": "receipt_long",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
}

# The sandbox payment processor: seconds before a bank debit settles (webhook follows).
SANDBOX_SETTLE_SECONDS = env_int("SANDBOX_SETTLE_SECONDS", 60, minimum=0)

PORTICO_INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
PORTICO_GRAVATAR = env_bool("GRAVATAR", True)
