"""The one settings module: everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic classes such as admin.ModelAdmin[Model] be subscripted at run time for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("SIRKEL_PROJECT_DIR", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("SIRKEL_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SIRKEL_ENV = os.environ.get("SIRKEL_ENV", "development")
if SIRKEL_ENV not in {"development", "demo", "production"}:
    raise ImproperlyConfigured("SIRKEL_ENV must be development, demo or production")
PRODUCTION = SIRKEL_ENV == "production"
DEMO_MODE = SIRKEL_ENV == "demo"

_secret = os.environ.get("SIRKEL_SECRET_KEY", "")
if PRODUCTION and not _secret:
    raise ImproperlyConfigured("SIRKEL_SECRET_KEY must be set in production")
# The key signs sessions and CSRF tokens. `check --deploy` flags a short key (security.W009), but that
# check does not run when the server starts, so production refuses one outright, by the same measure.
if PRODUCTION and (len(_secret) < 50 or len(set(_secret)) < 5):
    raise ImproperlyConfigured(
        "SIRKEL_SECRET_KEY must be at least 50 random characters in production, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
# Outside production a fixed, clearly insecure key keeps sessions stable across restarts.
SECRET_KEY = _secret or "insecure-development-key-do-not-use-in-production-0123456789abcdef"

DEBUG = envbool("SIRKEL_DEBUG", SIRKEL_ENV == "development")
ALLOWED_HOSTS = envlist(
    "SIRKEL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)

INSTALLED_APPS = [
    # Django's admin, with Sirkel's admin site: staff only, behind two-factor, signed in at /konto/.
    "sirkel.accounts.apps.SirkelAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    # django-otp's TOTP plugin and django-axes, under Sirkel's names for them in the admin.
    "sirkel.accounts.apps.OtpTotpConfig",
    "sirkel.accounts.apps.AxesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "sirkel.core",
    "sirkel.accounts",
    "sirkel.audit",
    "sirkel.taxonomy",
    "sirkel.cases",
    "sirkel.network",
    "sirkel.meetings",
    "sirkel.actions",
    "sirkel.evaluation",
    "sirkel.stats",
    "sirkel.research",
    "sirkel.api",
    "sirkel.demo",
]

# Content-Security-Policy on every response (django-csp): only Sirkel's own scripts, styles, images and
# fonts, no inline script or style, no framing, forms posting only to Sirkel. The favicon is a data: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sirkel.core.sessions.RefreshingSessionMiddleware",
    "sirkel.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sirkel.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "sirkel.core.middleware.PrivatePagesMiddleware",
    "sirkel.core.middleware.HtmxSignInRedirectMiddleware",
]

ROOT_URLCONF = "sirkel.urls"
WSGI_APPLICATION = "sirkel.wsgi.application"

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
                "sirkel.core.context_processors.sirkel",
                "sirkel.accounts.context_processors.accounts",
                "sirkel.meetings.context_processors.meetings",
            ],
        },
    },
    {
        # Fragments that repeat markup for every row of a long list, in Jinja2 (sirkel.core.jinja).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "fragments",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "sirkel.core.jinja.environment"},
    },
]

# Form widgets are rendered with Jinja2 where Django has them in that form (the same HTML): a select with
# its options costs a fifth of the Django template engine's includes per option (sirkel.core.form_renderer).
FORM_RENDERER = "sirkel.core.form_renderer.JinjaFirstRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sirkel.sqlite3'}"),
        conn_max_age=envint("SIRKEL_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if "DATABASE_URL" not in os.environ:
    # The default SQLite file lives in var/, which a fresh checkout does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a CLI command share the file. Memory-mapped reads
    # (up to 1 GiB of the file, shared by every connection through the OS's page cache) instead of
    # SQLite's 2 MB cache per connection: a national statistics table reads ~50 MB of index; a third
    # faster in `make bench`.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824;",
    }
else:
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"]["NAME"] = DATABASES["default"].get("NAME") or "sirkel_test"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
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

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor authentication: required for every staff role in production, off in demo and development
# unless switched on explicitly.
SIRKEL_REQUIRE_2FA = envbool("SIRKEL_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Sirkel"
# Never show authenticator secrets (key, QR code) in the admin: anyone who sees one can make codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout after repeated failed logins (django-axes), keyed on the user name so an attacker cannot
# lock out a whole office behind one address, and without writing user names or addresses to the log.
AXES_FAILURE_LIMIT = envint("SIRKEL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIRKEL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# axes warns that a user-name-only lockout can be bypassed by rotating cookies; that holds for
# lockouts keyed on the browser, not on the account name. Locking by address would lock out whole
# offices behind one NAT address, so the warning is silenced on purpose.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_PROXY_COUNT = envint("SIRKEL_PROXY_COUNT", 0)

# Idle sessions expire: a request pushes the expiry forward (at most once a minute, so that reading a
# page writes no session: sirkel.core.sessions), so the limit is idle time.
SESSION_ENGINE = "sirkel.core.sessions"
SESSION_COOKIE_AGE = envint("SIRKEL_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The audit chain's HMAC key, held outside the database (see docs/architecture.md §3 and sirkel.audit.keys):
# hex or base64, at least 32 bytes, in the variable or the first line of the file; earlier keys, needed to
# verify the events they signed, in SIRKEL_AUDIT_OLD_KEYS (comma separated) or the file's further lines.
# Production refuses to start without one; elsewhere a public development key is used, with a warning.
SIRKEL_AUDIT_KEY = os.environ.get("SIRKEL_AUDIT_KEY", "")
SIRKEL_AUDIT_KEY_FILE = os.environ.get("SIRKEL_AUDIT_KEY_FILE", "")
SIRKEL_AUDIT_OLD_KEYS = envlist("SIRKEL_AUDIT_OLD_KEYS", [])
if PRODUCTION and not (SIRKEL_AUDIT_KEY or SIRKEL_AUDIT_KEY_FILE):
    raise ImproperlyConfigured(
        "SIRKEL_AUDIT_KEY or SIRKEL_AUDIT_KEY_FILE must be set in production, e.g. to the output of "
        "python -c 'import secrets; print(secrets.token_hex(32))'"
    )

# How long a break-glass grant lasts.
SIRKEL_BREAK_GLASS_HOURS = envint("SIRKEL_BREAK_GLASS_HOURS", 8)

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SIRKEL_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SIRKEL_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The demo serves static files straight from the app folders, so it needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# The REST API (/api/v1/): personal access tokens only, JSON only, problem+json errors, a rate per token.
# The rate is counted in the cache (per process with Django's default local-memory cache).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["sirkel.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["sirkel.api.permissions.TokenHolder"],
    "DEFAULT_THROTTLE_CLASSES": ["sirkel.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("SIRKEL_API_RATE", "600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "sirkel.api.schema.SirkelAutoSchema",
    "EXCEPTION_HANDLER": "sirkel.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

# Participant links (the pages under /lenke/): requests a minute per client address and per link.
SIRKEL_LINK_RATE = int(os.environ.get("SIRKEL_LINK_RATE", "30"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Sirkel API",
    "DESCRIPTION": (
        "Cases, networks, network measures, meetings and actions, with the same access rules and audit "
        "as the pages. Send a personal access token as `Authorization: Bearer <token>`. Errors are "
        "`application/problem+json`, in Bokmål unless `Accept-Language: en`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Endpoints validate a PATCH with the serializer as written (`valid()`, never partial=True): its
    # required fields, such as `version`, stay required in the schema too.
    "COMPONENT_SPLIT_PATCH": False,
    # Object ids in URLs (`core.converters.IdConverter`): at most 18 digits, so always a 64-bit integer.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    # Choice sets that share a field name ("status", "kind", …) across apps, named after what they are.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "sirkel.actions.models.ActionStatus",
        "ConsentPartyEnum": "sirkel.meetings.models.ConsentParty",
        "MeetingKindEnum": "sirkel.meetings.models.MeetingKind",
        "MeetingStatusEnum": "sirkel.meetings.models.MeetingStatus",
        "MeasureStatusEnum": "sirkel.cases.models.MeasureStatus",
        "MeasureKindEnum": "sirkel.taxonomy.measures.kind_choices",
        "DecisionSourceEnum": "sirkel.cases.models.DecisionSource",
        "SnapshotSourceEnum": "sirkel.network.models.SnapshotSource",
        "NetworkTieKindEnum": "sirkel.network.models.TieKind",
        "SupportTypeEnum": "sirkel.network.api.support_type_choices",
        "ProcessStatusEnum": "sirkel.meetings.models.SeriesStatus",
        "EvaluationStatusEnum": "sirkel.evaluation.models.EvaluationStatus",
        "EvaluationNextStepEnum": "sirkel.evaluation.models.NextStep",
        "NextStepRequestedByEnum": "sirkel.evaluation.models.RequestedBy",
        "PerspectiveEnum": "sirkel.evaluation.models.Perspective",
        "SnapshotPerspectiveEnum": "sirkel.network.models.Perspective",
        "JudgedPerspectiveEnum": "sirkel.evaluation.models.JUDGED_PERSPECTIVES",
        "EffectEnum": "sirkel.evaluation.models.Effect",
        "InstrumentKindEnum": "sirkel.evaluation.models.InstrumentKind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Background tasks (django-tasks, Django 6's framework backported; see docs/architecture.md §20). Long jobs
# started from a page (the research export) are stored in the database and run by `sirkel db_worker`, a
# service beside the web server (`sirkel demo` starts one itself). SIRKEL_TASKS=immediate runs them inside
# the request instead: only for a trial without a worker, as a big export then holds the request open.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks = os.environ.get("SIRKEL_TASKS", "database")
if _tasks not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"SIRKEL_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {_tasks!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks], "QUEUES": ["default"]}}

EMAIL_BACKEND = os.environ.get("SIRKEL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SIRKEL_FROM_EMAIL", "sirkel@localhost")

# Logs carry no names, birth dates or other identifiers: only event kinds and numeric ids.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SIRKEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}
