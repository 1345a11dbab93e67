"""Rapport settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(os.environ.get("RAPPORT_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# A development key is generated once per data folder so that `make run` needs no set-up;
# production sets SECRET_KEY.
_secret_file = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not _secret_file.exists():
        import secrets

        _secret_file.write_text(secrets.token_urlsafe(50))
        _secret_file.chmod(0o600)
    SECRET_KEY = _secret_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "rapport.core",
    "rapport.audit",
    "rapport.numbering",
    "rapport.setup",
    "rapport.contacts",
    "rapport.attachments",
    "rapport.campaigns",
    "rapport.interactions",
    "rapport.segments",
    "rapport.delivery",
    "rapport.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header of every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rapport.core.middleware.LoginRequiredMiddleware",
    # Changes made while answering a request are audited as its user's (rapport/audit).
    "rapport.audit.middleware.AuditActorMiddleware",
    "rapport.core.middleware.NoticeMiddleware",
    # A write that timed out on a busy database (SQLite) answers 503, not 500.
    "rapport.core.busy.BusyMiddleware",
    # Last, as django-axes asks: answers a locked-out login (rapport/core/lockout.py).
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "rapport.core.context_processors.shell",
            ],
            "builtins": ["rapport.core.templatetags.rapport"],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'rapport.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock when it begins, so that concurrent
    # writers queue instead of failing on a lock upgrade; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# Every password set through Rapport (create-user, the admin, password changes) is checked.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("RAPPORT_PASSWORD_MIN_LENGTH", "8"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One short date and a 24-hour time per language (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Security (README, "Production"). The defaults suit `make run` on 127.0.0.1; production sets
# SECRET_KEY, ALLOWED_HOSTS and, behind TLS, RAPPORT_TLS=1 (HSTS, secure cookies, HTTPS redirect).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sessions end: after RAPPORT_SESSION_HOURS (8, a working day) and when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("RAPPORT_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("RAPPORT_SESSION_BROWSER_CLOSE", True)
# Served over HTTPS (directly or by a proxy that terminates TLS): cookies only over HTTPS, HSTS,
# and plain HTTP redirected. A proxy must pass the scheme on: BEHIND_PROXY=1 trusts its
# X-Forwarded-Proto header (set it only when the proxy overwrites that header).
RAPPORT_TLS = env_bool("RAPPORT_TLS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", RAPPORT_TLS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("RAPPORT_SSL_REDIRECT", RAPPORT_TLS)
SECURE_HSTS_SECONDS = int(
    os.environ.get("RAPPORT_HSTS_SECONDS", "31536000" if RAPPORT_TLS else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RAPPORT_HSTS_SUBDOMAINS", RAPPORT_TLS)
SECURE_HSTS_PRELOAD = env_bool("RAPPORT_HSTS_PRELOAD", False)
# Asking browsers to preload HSTS binds the domain and all its subdomains to HTTPS for months:
# the operator's choice (RAPPORT_HSTS_PRELOAD=1), so check --deploy does not ask for it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Content-Security-Policy: everything from Rapport's own address; no inline script or style
# anywhere (page behaviour in static/*.js, looks in static/*.css; htmx neither injects its
# indicator style nor evaluates code: base.html's htmx-config). data: images are Bootstrap's
# SVG icons in its CSS. The merged e-mail previews have their own policy (inline styles, no
# script: rapport.core.csp.MAIL_PREVIEW_CSP) and so has the API docs page (core/api/views.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, reading the user's own salesperson in the same query
        # (one query less per interaction create; one class, so the schema has one tokenAuth).
        "rapport.interactions.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rapport.core.api.permissions.RolePermission"],
    # The browsable API runs under the site's Content-Security-Policy: templates/rest_framework/
    # overrides the DRF templates that carry inline styles.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rapport.core.api.parsers.JSONParser",
        "rapport.core.api.parsers.FormParser",
        "rapport.core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rapport.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "rapport.core.api.filters.StrictFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rapport.core.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rapport.core.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATE_FORMAT": "iso-8601",  # always four-digit years (strftime's %Y gives "45" for 45)
    "TIME_FORMAT": "%H:%M:%S",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rapport API",
    "DESCRIPTION": "Relationship management: contacts, interactions, segments.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the correspondence type options, whichever field uses them.
    "ENUM_NAME_OVERRIDES": {
        "CorrespondenceTypeEnum": "rapport.core.choices.CorrespondenceType",
        "SalutationNamePartEnum": "rapport.contacts.models.SalutationNamePart",
        # Marketing Setup's and an attachment's storage type: the same choices.
        "AttachmentStorageTypeEnum": "rapport.attachments.choices.StorageType",
    },
    # Request bodies are JSON (the form parsers stay for browsers; a form cannot carry the
    # nested lists of number series or questionnaires).
    "PARSER_WHITELIST": ["rapport.core.api.parsers.JSONParser"],
    # Error responses on every operation, path parameters only where the path has them, no
    # internal references in descriptions (rapport/core/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rapport.core.api.schema.postprocess",
    ],
}

# Failed logins (login page, API token, admin) are throttled by django-axes, per user name and
# per address separately: after AXES_FAILURE_LIMIT failures that name or address is locked out
# for AXES_COOLOFF_TIME (the API answers 429 in the error shape, the login page says so); a
# successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rapport.core.lockout.lockout_response"
AXES_VERBOSE = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("SMTP_HOST", "127.0.0.1"),
            "port": int(os.environ.get("SMTP_PORT", "25")),
            "username": os.environ.get("SMTP_USER", ""),
            "password": os.environ.get("SMTP_PASSWORD", ""),
            "use_tls": env_bool("SMTP_TLS", False),
            "use_ssl": env_bool("SMTP_SSL", False),
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rapport@localhost")
# The domain of the stable Message-ID each delivered e-mail carries (default: DEFAULT_FROM_EMAIL's).
RAPPORT_MESSAGE_ID_DOMAIN = os.environ.get("RAPPORT_MESSAGE_ID_DOMAIN", "") or (
    DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
)
# A worker that has not reported for this many seconds is taken for dead: the messages it was
# sending are recovered by the next worker.
RAPPORT_WORKER_DEAD_AFTER = int(os.environ.get("RAPPORT_WORKER_DEAD_AFTER", "30"))
# The largest file an attachment stores, in MB (25: what common mail servers accept).
RAPPORT_MAX_ATTACHMENT_BYTES = int(os.environ.get("RAPPORT_MAX_ATTACHMENT_MB", "25")) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
