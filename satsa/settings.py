"""Django settings, all read from the environment.

Defaults give a working development setup with an SQLite file under ``var/``; production
sets ``DJANGO_DEBUG=false``, a real ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and a
PostgreSQL ``DATABASE_URL``, and then passes ``check --deploy`` without warnings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SATSA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# Demo mode lists the demo users on the login page; never on in a real installation.
SATSA_DEMO = env_bool("SATSA_DEMO", DEBUG)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "satsa.core",
    "satsa.accounts",
    "satsa.eid",
    "satsa.events",
    "satsa.orgs",
    "satsa.rulebooks",
    "satsa.cases",
    "satsa.calculations",
    "satsa.funds",
    "satsa.followup",
    "satsa.decisions",
    "satsa.portfolio",
    "satsa.files",
]

MIDDLEWARE = [
    # First, so every log record of the request and every response carries its id.
    "satsa.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "satsa.core.middleware.SwedishFirstLocaleMiddleware",
    # Before anything reads the body (the CSRF check reads the form).
    "satsa.core.uploads.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "satsa.accounts.middleware.TwoFactorMiddleware",
    "satsa.eid.middleware.EidRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "satsa.core.middleware.PermissionsPolicyMiddleware",
    # One lookup per rulebook key and request, not one per case.
    "satsa.rulebooks.middleware.RulebookMemoMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "satsa.urls"
WSGI_APPLICATION = "satsa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "satsa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "satsa.orgs.context_processors.current_memberships",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'satsa.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Lock an account+address pair out for an hour after five failed logins (django-axes);
# guessing one username from many addresses is throttled instead (satsa.accounts.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("SATSA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "satsa.accounts.lockout.client_ip"
SATSA_LOGIN_USERNAME_LIMIT = int(os.environ.get("SATSA_LOGIN_USERNAME_LIMIT", "20"))
SATSA_LOGIN_USERNAME_DELAY = int(os.environ.get("SATSA_LOGIN_USERNAME_DELAY", "30"))
# Behind a reverse proxy, every request comes from the proxy's address. List the proxies'
# addresses or networks (comma-separated) in SATSA_TRUSTED_PROXIES; the client's address is
# then read from SATSA_PROXY_IP_HEADER (X-Forwarded-For unless set), and only from them.
SATSA_TRUSTED_PROXIES = env_list("SATSA_TRUSTED_PROXIES", "")
SATSA_PROXY_IP_HEADER = os.environ.get("SATSA_PROXY_IP_HEADER", "HTTP_X_FORWARDED_FOR")
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# A working day: sessions end eight hours after login, and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

OTP_TOTP_ISSUER = "Satsa"

# E-legitimation (satsa.eid): the address the identity providers know Satsa by, the key
# pair that signs SAML requests and metadata (made on first use when missing), and the
# federation's metadata (Sweden Connect) for organisations without their own IdP.
SATSA_BASE_URL = os.environ.get("SATSA_BASE_URL", "http://127.0.0.1:8000")
SATSA_SAML_KEY_FILE = os.environ.get("SATSA_SAML_KEY_FILE", str(VAR_DIR / "saml" / "sp-key.pem"))
SATSA_SAML_CERT_FILE = os.environ.get("SATSA_SAML_CERT_FILE", str(VAR_DIR / "saml" / "sp-cert.pem"))
# Or the pair's PEM text itself, from the secret store: every server then signs with the
# same pair without a shared file (docs/operations.md). Used instead of the files when set.
SATSA_SAML_KEY_PEM = os.environ.get("SATSA_SAML_KEY_PEM", "")
SATSA_SAML_CERT_PEM = os.environ.get("SATSA_SAML_CERT_PEM", "")
SATSA_SAML_FEDERATION_METADATA = os.environ.get("SATSA_SAML_FEDERATION_METADATA", "")
# Where `satsa demo_idp` serves the demo identity provider.
SATSA_DEMO_IDP_URL = os.environ.get("SATSA_DEMO_IDP_URL", "http://127.0.0.1:8001")

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "satsa" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The container image collects static files into itself (SATSA_STATIC_ROOT), apart from the
# data in SATSA_VAR_DIR, so an upgraded image never serves last version's files.
STATIC_ROOT = Path(os.environ.get("SATSA_STATIC_ROOT", VAR_DIR / "static"))
# Attachments go through Django's storage API: the local disk (MEDIA_ROOT) by default, which
# suits one server; several servers share one store by naming another backend, e.g.
# django-storages' S3-compatible one (docs/operations.md):
#   SATSA_STORAGE_BACKEND=storages.backends.s3.S3Storage
#   SATSA_STORAGE_OPTIONS='{"bucket_name": "satsa", "endpoint_url": "https://s3.example.se"}'
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "SATSA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("SATSA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files are served only through views that check who may see them, never from
# MEDIA_URL. A whole upload may be at most this large (refused before it is read).
SATSA_MAX_UPLOAD_BYTES = int(os.environ.get("SATSA_MAX_UPLOAD_MB", "25")) * 1024 * 1024

# Background work (reminders) runs on Django's tasks framework. In production the tasks are
# queued in the database and `satsa db_worker` runs them (any number of workers, on any
# server); in development and tests they run at once, in the process that enqueues them.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS[
            os.environ.get("SATSA_TASK_BACKEND", "immediate" if DEBUG else "database")
        ]
    }
}

# The daily run (reminders, pruning) queues itself for this local time (satsa/core/daily.py).
SATSA_DAILY_AT = os.environ.get("SATSA_DAILY_AT", "06:15")
SATSA_TASK_RESULTS_DAYS = int(os.environ.get("SATSA_TASK_RESULTS_DAYS", "30"))
SATSA_FILES_KEEP_DAYS = int(os.environ.get("SATSA_FILES_KEEP_DAYS", "30"))

# Mail: the console in development, SMTP in production (Django 6.1's MAILERS setting).
if env_bool("DJANGO_EMAIL_SMTP", not DEBUG):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "satsa@localhost")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # The load balancer's health check may ask over plain HTTP, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # No SECURE_PROXY_SSL_HEADER: Django would believe X-Forwarded-Proto from anyone. The
    # app server (satsa/gunicorn_config.py) believes it only from SATSA_TRUSTED_PROXIES and
    # then sets the request's scheme, which is what Django reads.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (Django's own): scripts, styles, images and htmx requests only from
# Satsa itself; no inline script or style, no plug-ins, no framing, forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Browser features Satsa never uses are switched off (satsa.core.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Readable lines by default; one JSON object a line with DJANGO_LOG_FORMAT=json (for a log
# collector). Each record carries its request's id (satsa.core.logs).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No personal identity number may reach a log (issue #18).
    "filters": {
        "personal_numbers": {"()": "satsa.eid.logging.RedactPersonalNumbers"},
        "request_id": {"()": "satsa.core.logs.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "satsa.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_numbers", "request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # pysaml2 logs whole SAML messages, attributes included, below WARNING.
    "loggers": {"saml2": {"level": "WARNING"}},
}
