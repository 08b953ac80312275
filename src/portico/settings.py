"""Portico settings: every value comes from the environment, with safe development defaults.

See the README's "Configuration" table. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

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
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "import_export",
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
    "portico.payments.gateways.stripe",
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
    "portico.core.middleware.DatabaseUnavailableMiddleware",
    "portico.core.middleware.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portico.accounts.sessions.AuthenticationMiddleware",
    "portico.core.audit.AuditRequestMiddleware",
    "portico.core.middleware.PrivateResponseMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portico.accounts.middleware.OrganisationMiddleware",
    "portico.backoffice.security.StaffSecurityMiddleware",
    "portico.portal.self_service.middleware.PortalLanguageMiddleware",
    "portico.portal.middleware.PortalAddressMiddleware",
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
        # Before the apps' own: the few Unfold templates Portico changes (unfold comes first
        # among the apps, so an app's copy would never be found).
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            # The one formatter's filters (money, day, moment, number, percent) everywhere.
            "builtins": ["portico.core.templatetags.formats", "portico.core.templatetags.text"],
        },
    }
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL points elsewhere.
SQLITE_ENGINE = "portico.core.sqlite3"
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url,
                conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                # A connection that died (a restart, a failover) is replaced before it is used.
                conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a usable database address: {exc}"
        ) from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No statement or lock wait may hold a worker or a request forever.
        _statement_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
        _lock_ms = env_int("DB_LOCK_TIMEOUT_MS", 10_000, minimum=0)
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, minimum=1),
                "options": f"-c statement_timeout={_statement_ms} -c lock_timeout={_lock_ms}",
            }
        )
        if env_bool("DB_PREPARED_STATEMENTS", True):
            # A query shape run a few times on a connection is prepared on the server: parsed
            # and analysed once. Needs server-side parameters; switch off behind a
            # transaction-pooling PgBouncer older than 1.21.
            DATABASES["default"]["OPTIONS"].update(
                {"server_side_binding": True, "prepare_threshold": 2}
            )
            # A prepared query's plan is reused once PostgreSQL finds it as good as one made
            # for the call's values (`auto`): that saves most of a page's planning. The indexes
            # keep a reused plan bounded by the rows it answers for a customer with 50,000
            # invoices as for one with 10 (the bench measures both).
            _plans = env_str("DB_PLAN_CACHE_MODE", "auto")
            if _plans not in {"force_custom_plan", "auto", "force_generic_plan"}:
                raise ImproperlyConfigured(
                    "DB_PLAN_CACHE_MODE must be force_custom_plan, auto or force_generic_plan."
                )
            DATABASES["default"]["OPTIONS"]["options"] += f" -c plan_cache_mode={_plans}"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend that converts each statement's placeholders once.
            "ENGINE": SQLITE_ENGINE,
            "NAME": str(VAR_DIR / "portico.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Kept open between requests, as PostgreSQL's: no file to open and pragmas to run
            # per request, and SQLite keeps each statement it compiled on the connection.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        }
    }
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    # Tests run in memory, as on Django's own SQLite backend (test runners such as
    # pytest-django recognise only that engine's name).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, served from the user row the session was read with.
    "portico.accounts.sessions.SessionUserBackend",
]
SESSION_ENGINE = "portico.accounts.sessions"
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
# A back-office session ends after this long without a request (staff see more than customers).
STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_SECONDS", 30 * 60, minimum=60)

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
# The load balancer and the monitor ask over plain HTTP, on the node's own address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# How many proxies (nginx, a load balancer) stand between the clients and this process: the
# client's address is read from X-Forwarded-For past them (portico.core.client_ip).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)

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
# Sign-ins are kept in the audit trail (ActivityLog, with address and browser); axes' own access
# log would keep the page's address too, which for an invitation or a reset holds its token.
AXES_DISABLE_ACCESS_LOG = True
# Failed logins are counted in the database every node shares (the same with or without Redis).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "portico.core.client_ip.client_ip"

# Internationalisation.
LANGUAGE_CODE = "en"
# Each language under its own name, as a switcher shows it to someone who reads only that one.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The portal's language switcher remembers a visitor's choice for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]

# Static and uploaded files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    _media: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    # S3 or any S3-compatible store (MinIO, Ceph, moto); files stay private, links are signed.
    _endpoint = env_str("S3_ENDPOINT_URL", "")
    if _endpoint and (
        urlsplit(_endpoint).scheme not in {"http", "https"} or not urlsplit(_endpoint).netloc
    ):
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL must be an http(s) address, not {_endpoint!r}."
        )
    _key_id = env_str("S3_ACCESS_KEY_ID", "")
    _secret = env_str("S3_SECRET_ACCESS_KEY", "")
    if bool(_key_id) != bool(_secret):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the instance's role)."
        )
    _bucket = env_str("S3_BUCKET")
    _region = env_str("S3_REGION", "us-east-1")
    _media = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "region_name": _region,
            "endpoint_url": _endpoint or None,
            "access_key": _key_id or None,
            "secret_key": _secret or None,
            "location": env_str("S3_PREFIX", "media"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 600,
            "file_overwrite": False,
            "addressing_style": "path" if _endpoint else None,
        },
    }
    _media_origin = (
        f"{urlsplit(_endpoint).scheme}://{urlsplit(_endpoint).netloc}"
        if _endpoint
        else f"https://{_bucket}.s3.{_region}.amazonaws.com"
    )
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be one of filesystem, s3, not {MEDIA_STORAGE!r}."
    )
STORAGES = {
    "default": _media,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if MEDIA_STORAGE == "s3":
    # Logos and images are shown from the store's signed links.
    _csp_directives: dict[str, list[str]] = CONTENT_SECURITY_POLICY["DIRECTIVES"]  # type: ignore[assignment]
    _csp_directives["img-src"].append(_media_origin)

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
# Who hears about failed background work that belongs to no organisation (comma-separated).
ADMINS = [("Portico admin", address) for address in env_list("ADMINS", [])]

# Redis (REDIS_URL): the cache every node shares and the RQ task queue. Sessions stay in the
# database: one query reads a session with its user (`portico.accounts.sessions`), fewer round
# trips than a Redis read followed by the user's query.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ImproperlyConfigured(
        f"REDIS_URL must be a redis://, rediss:// or unix:// address, not {REDIS_URL!r}."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portico",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Abuse limits (portico.core.ratelimit) are counted where every worker sees the same count.
CACHES["limits"] = (
    {**CACHES["default"], "KEY_PREFIX": "portico-limits"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "limits"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
# Abuse limits: rule → (allowed, per this many seconds), counted per IP and per person (or per
# link, per email address). A refused request answers 429 with the page core/rate_limited.html.
RATE_LIMITS: dict[str, tuple[int, int]] = {
    "password-reset": (env_int("RATE_PASSWORD_RESETS_PER_HOUR", 5, minimum=1), 3600),
    "invitation": (20, 3600),
    "document-link": (60, 600),
    "link-renew": (3, 3600),
    "link-request": (10, 3600),
    "forward": (env_int("RATE_FORWARDS_PER_HOUR", 20, minimum=1), 3600),
    "comment": (30, 3600),
    # Messages to the business: the portal's form says it kindly, naming the address to write to.
    "message": (env_int("RATE_MESSAGES_PER_HOUR", 10, minimum=1), 3600),
    "upload": (30, 3600),
    "pdf": (60, 600),
    "checkout": (20, 3600),
    "card-setup": (env_int("STRIPE_SETUPS_PER_HOUR", 30, minimum=1), 3600),
}

# Background work: Django's task API. "database" and "rq" run through `portico worker`.
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
# The database queue: a running task whose worker sent no heartbeat for this long is run again.
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", 300, minimum=10)
# Retry delays of outside work are multiplied by this many hundredths (the cluster test: 10).
TASKS_BACKOFF_SCALE = env_int("TASKS_BACKOFF_PERCENT", 100, minimum=1) / 100
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("Set REDIS_URL: TASKS_BACKEND=rq keeps its queue in Redis.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every record is redacted (portico.core.logs); template debugging would print whole pages.
    "filters": {"quiet_templates": {"()": "portico.core.logs.QuietTemplates"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.template": {"filters": ["quiet_templates"]},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every stylesheet it parses at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# django-unfold: the back office's look.
UNFOLD = {
    "SITE_TITLE": "Portico",
    "SITE_HEADER": _("Portico back office"),
    "SITE_SYMBOL": "receipt_long",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "portico.backoffice.dashboard.dashboard_callback",
    "ACCOUNT": {
        "navigation": [
            {"title": _("Change password"), "link": reverse_lazy("admin:password_change")},
            {"title": _("Two-factor sign-in"), "link": reverse_lazy("admin:two_factor_setup")},
            {"title": _("Your language"), "link": reverse_lazy("admin:account_language")},
        ]
    },
}

# django-import-export: an import runs in one transaction, so a file with a bad row writes
# nothing; files wait between preview and confirmation in the cache-free media storage.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

# The sandbox payment processor: offered (gateway kind, /sandbox-gateway/ URLs) only when on;
# on by default in development, off in production (`check --deploy` warns when it is on).
SANDBOX_GATEWAY = env_bool("SANDBOX_GATEWAY", DEBUG)
# Seconds before a sandbox bank debit settles (webhook follows).
SANDBOX_SETTLE_SECONDS = env_int("SANDBOX_SETTLE_SECONDS", 60, minimum=0)

# Stripe: where the stripe library and the hosted fields' Stripe.js talk to (tests point both at
# localstripe on a loopback port; production keeps Stripe's own).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 30, minimum=1)

# Gateway credentials are encrypted at rest with this Fernet key (32 url-safe base64 bytes,
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# FIELD_ENCRYPTION_KEYS may list older keys after it, for rotation. Development derives one.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set FIELD_ENCRYPTION_KEYS (a Fernet key) when DEBUG is off: gateway credentials "
            "are encrypted with it."
        )
    _derived = hashlib.sha256(b"portico field encryption:" + SECRET_KEY.encode()).digest()
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_derived).decode()]
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None

PORTICO_INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
# How long the audit trail keeps its sign-in and security rows (addresses and browsers of every
# sign-in, failed ones by anonymous visitors included); 0 keeps them for good. The trail's other
# rows (portal actions, access, API keys, webhooks, money) stay as long as the organisation.
PORTICO_AUDIT_SIGN_IN_DAYS = env_int("AUDIT_SIGN_IN_DAYS", 365, minimum=0)
PORTICO_GRAVATAR = env_bool("GRAVATAR", True)
