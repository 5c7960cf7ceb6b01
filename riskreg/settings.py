"""Settings for riskreg, all driven by environment variables.

The defaults are safe for development on one machine: a SQLite file in the project
folder, debug off unless DJANGO_DEBUG says otherwise, and no secret key unless
debugging. See README.md for the table of variables.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# makemigrations only compares models with migrations and never signs anything: let
# `manage.py makemigrations --check` run in a plain shell, as the project's gates do.
WRITING_MIGRATIONS = sys.argv[1:2] == ["makemigrations"]
if not SECRET_KEY:
    if not DEBUG and not WRITING_MIGRATIONS:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "riskreg",
    "commitments",
    "risks",
    "committee",
    "panel",
    "kpis",
    "performance",
    "api",
    "people",
    "tasks",
    "notices",
]

# Order matters:
# - CSP and X-Frame-Options sit outside everything that can fail, so that error pages
#   (even the 503 made when the session middleware cannot reach the database) carry them.
# - DatabaseUnavailableMiddleware sits outside the session and auth middleware, which
#   touch the database, so that an outage there still answers with the 503 page.
# - OTPMiddleware needs request.user; AdminTwoFactorMiddleware needs request.user.otp_device.
# - AxesMiddleware last, as django-axes asks: it turns a flagged lockout into our page.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "riskreg.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "riskreg.middleware.AdminTwoFactorMiddleware",
    "riskreg.access.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskreg.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "riskreg.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "riskreg.wsgi.application"
ASGI_APPLICATION = "riskreg.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The register's queries are short; PostgreSQL's JIT compiling them cost more than it
    # saved (377 ms of a 926 ms query on the 100x committee paper, benchmarks/).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "riskreg.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes' backend first: it refuses locked-out people before the password is checked.
# It has no get_user(), so the test client's force_login picks ModelBackend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Emailed links to choose a password (riskreg.passwords): a reset's lasts an hour, an
# invitation's a few days. Django checks PASSWORD_RESET_TIMEOUT first: the longer one.
RISKREG_PASSWORD_RESET_MINUTES = int(os.environ.get("RISKREG_PASSWORD_RESET_MINUTES", "60"))
RISKREG_INVITATION_DAYS = int(os.environ.get("RISKREG_INVITATION_DAYS", "5"))
PASSWORD_RESET_TIMEOUT = max(RISKREG_PASSWORD_RESET_MINUTES * 60, RISKREG_INVITATION_DAYS * 24 * 60 * 60)
# Per hour: reset links sent to one address (more requests get the same answer and no
# email), and requests from one client address (more get a 429 page).
RISKREG_RESET_EMAILS_PER_HOUR_PER_ADDRESS = int(os.environ.get("RISKREG_RESET_EMAILS_PER_HOUR_PER_ADDRESS", "3"))
RISKREG_RESET_REQUESTS_PER_HOUR_PER_CLIENT = int(os.environ.get("RISKREG_RESET_REQUESTS_PER_HOUR_PER_CLIENT", "20"))

# Single sign-on with the office's identity provider (OpenID Connect, riskreg.sso; README
# "Single sign-on"). On only when a client id and the issuer (or every endpoint) are set.
RISKREG_OIDC_ISSUER = os.environ.get("RISKREG_OIDC_ISSUER", "")
RISKREG_OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("RISKREG_OIDC_AUTHORIZATION_ENDPOINT", "")
RISKREG_OIDC_TOKEN_ENDPOINT = os.environ.get("RISKREG_OIDC_TOKEN_ENDPOINT", "")
RISKREG_OIDC_USERINFO_ENDPOINT = os.environ.get("RISKREG_OIDC_USERINFO_ENDPOINT", "")
RISKREG_OIDC_JWKS_ENDPOINT = os.environ.get("RISKREG_OIDC_JWKS_ENDPOINT", "")
RISKREG_OIDC_END_SESSION_ENDPOINT = os.environ.get("RISKREG_OIDC_END_SESSION_ENDPOINT", "")
RISKREG_OIDC_GROUPS_CLAIM = os.environ.get("RISKREG_OIDC_GROUPS_CLAIM", "groups")
RISKREG_OIDC_ROLE_MAP = os.environ.get("RISKREG_OIDC_ROLE_MAP", "")
OIDC_RP_CLIENT_ID = os.environ.get("RISKREG_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("RISKREG_OIDC_CLIENT_SECRET", "")
SSO_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and (
        RISKREG_OIDC_ISSUER
        or (RISKREG_OIDC_AUTHORIZATION_ENDPOINT and RISKREG_OIDC_TOKEN_ENDPOINT and RISKREG_OIDC_JWKS_ENDPOINT)
    )
)
# mozilla-django-oidc's own settings; riskreg.sso reads the endpoints itself (from
# discovery when only the issuer is given), so these are only its defaults.
OIDC_OP_AUTHORIZATION_ENDPOINT = RISKREG_OIDC_AUTHORIZATION_ENDPOINT
OIDC_OP_TOKEN_ENDPOINT = RISKREG_OIDC_TOKEN_ENDPOINT
OIDC_OP_USER_ENDPOINT = RISKREG_OIDC_USERINFO_ENDPOINT
OIDC_OP_JWKS_ENDPOINT = RISKREG_OIDC_JWKS_ENDPOINT
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("RISKREG_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("RISKREG_OIDC_PKCE", default=True)
OIDC_STORE_ID_TOKEN = True  # the end-session request names the session it ends
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "riskreg.sso.SSOBackend"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Manifest storage needs collectstatic first; development and tests serve the
    # files as they are.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("DJANGO_PLAIN_STATIC")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Without collectstatic (development, tests) WhiteNoise serves straight from static/.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("DJANGO_PLAIN_STATIC")
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Sessions end after a period without activity.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", str(60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked for the cool-off time. Keyed on the
# pair so that colleagues behind the office's one public address are not locked out
# together, and a stranger cannot lock a known username from their own address.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
# 0 minutes: no automatic unlock; a register admin (or `manage.py axes_reset_username`) unlocks.
AXES_COOLOFF_MINUTES = int(os.environ.get("DJANGO_AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES) if AXES_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "riskreg.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "riskreg.throttling.client_ip"

# Two-factor sign-in (TOTP, django-otp) for register admins: they manage users and
# publish committee papers, so a stolen password alone must not be enough. On unless
# debugging; the middleware reads it per request so tests can switch it.
ADMIN_2FA_REQUIRED = env_bool("DJANGO_ADMIN_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Risk register"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Security headers. HTTPS-only settings follow DJANGO_SECURE (on unless debugging) so
# that a production deployment behind TLS is safe by default.
SECURE = env_bool("DJANGO_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Behind a load balancer: trust its X-Forwarded-Proto, and take the client's address
# for sign-in throttling from the X-Forwarded-For entry it appends (riskreg.throttling).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if SSO_ENABLED:
    # Signing out posts a form whose answer redirects to the provider's end-session
    # address: browsers hold form-action to redirects too.
    from urllib.parse import urlsplit

    _provider = urlsplit(RISKREG_OIDC_END_SESSION_ENDPOINT or RISKREG_OIDC_ISSUER)
    if _provider.scheme and _provider.netloc:
        SECURE_CSP["form-action"].append(f"{_provider.scheme}://{_provider.netloc}")

# A form sent from a stale tab fails the CSRF check: answer with a page in the site's
# look that says what to do (unhandled errors: handler500 in riskreg/urls.py).
CSRF_FAILURE_VIEW = "riskreg.views.csrf_failure"

# One JSON object per line on standard output, for the platform's log collector.
# DJANGO_LOG_FORMAT=plain gives readable lines for development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "riskreg.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"database_outage": {"()": "riskreg.logging.DatabaseOutageFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["database_outage"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failures and lockouts are warnings; its start-up banner and each successful
        # sign-in (kept in its AccessLog table anyway) would only fill the logs, and
        # would land in the stdout of every management command.
        "axes": {"level": "WARNING"},
        # "Step 5 - Creating layout - Page 1": a line per step of every PDF, and three at
        # every start-up (riskreg.checks loads WeasyPrint).
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Uploads (the commitments and risks imports). riskreg.tabular refuses a file larger
# than RISKREG_MAX_UPLOAD_BYTES with a message saying so.
# 100 MB: the register's own download at 100 times the West Midlands plan (45 MB) imports back.
RISKREG_MAX_UPLOAD_BYTES = int(os.environ.get("RISKREG_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024)))
# An upload above Django's 2.5 MB is streamed to a temporary file as it arrives, not held
# in the request's memory. (DATA_UPLOAD_MAX_MEMORY_SIZE below does not count files.)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files. A request with more gets a 400, before any view reads it.
# The longest form is the update grid (commitments.grid): a lead with all 356 commitments
# posts 356 narratives, about 6 fields a row. 1 MB held 356 narratives of under 2,500
# characters once URL-encoded; Django's default, 2.5 MB, holds 356 of about 6,000.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Django's default of 1,000 fields would refuse that grid's save (about 2,100 fields).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

# A quarter's update window, in working days (no weekends or England and Wales bank
# holidays) before the earliest meeting it reports to: the window opens, officers
# submit, SMT leads finish reviewing (commitments.windows). Each can be changed per quarter.
RISKREG_WINDOW_OPENS_DAYS = int(os.environ.get("RISKREG_WINDOW_OPENS_DAYS", "30"))
RISKREG_OFFICER_DEADLINE_DAYS = int(os.environ.get("RISKREG_OFFICER_DEADLINE_DAYS", "15"))
RISKREG_REVIEW_DEADLINE_DAYS = int(os.environ.get("RISKREG_REVIEW_DEADLINE_DAYS", "10"))

# Background work (Django's tasks framework): the queue is a table of the database, so
# no other server is needed; `manage.py db_worker` runs it (README, "Background work").
# The tests run each task as it is queued (tests/conftest.py), except the worker's own.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still running this long after it started is taken to have lost its worker (killed,
# or its machine stopped): `manage.py fail_stale_tasks` marks it failed, for an admin to retry.
RISKREG_TASK_STALE_MINUTES = int(os.environ.get("RISKREG_TASK_STALE_MINUTES", "30"))

# Email: by SMTP when RISKREG_SMTP_HOST is set; otherwise each message is written to a file
# in RISKREG_MAIL_DIR (var/mail/), where a developer reads what would have been sent.
# `manage.py check --deploy` refuses the files in production.
MAIL_DIR = Path(os.environ.get("RISKREG_MAIL_DIR", BASE_DIR / "var" / "mail"))
SMTP_HOST = os.environ.get("RISKREG_SMTP_HOST", "")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                # Unset: 587 with STARTTLS, 25 without.
                "port": int(os.environ["RISKREG_SMTP_PORT"]) if os.environ.get("RISKREG_SMTP_PORT") else None,
                "username": os.environ.get("RISKREG_SMTP_USER", ""),
                "password": os.environ.get("RISKREG_SMTP_PASSWORD", ""),
                "use_tls": env_bool("RISKREG_SMTP_TLS", default=True),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("RISKREG_EMAIL_FROM", "Risk register <risk-register@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notices (the notices app): the address of the site, for the links in emails.
SITE_URL = os.environ.get("RISKREG_SITE_URL", "http://127.0.0.1:8000")
# The daily job (manage.py send_reminders): reminders this many working days before the
# officers' deadline; the escalation to the SMT lead this many working days after it.
NOTICE_REMINDER_DAYS = [int(day) for day in env_list("RISKREG_REMINDER_DAYS", "5,1")]
NOTICE_ESCALATION_DAYS = int(os.environ.get("RISKREG_ESCALATION_DAYS", "2"))
# A failed email is tried this many times in all, waiting RISKREG_NOTICE_RETRY_MINUTES,
# then twice as long before each next try (5, 10, 20, 40 minutes).
NOTICE_ATTEMPTS = int(os.environ.get("RISKREG_NOTICE_ATTEMPTS", "5"))
NOTICE_RETRY_MINUTES = int(os.environ.get("RISKREG_NOTICE_RETRY_MINUTES", "5"))

# Where people report accessibility problems (an email address), named on the accessibility
# statement (/accessibility/). Unset, the statement asks them to tell the register admin.
ACCESSIBILITY_CONTACT = os.environ.get("RISKREG_ACCESSIBILITY_CONTACT", "")

# Requests a minute from one address to the open data: the public pages' downloads and
# the API (riskreg.throttling.over_rate_limit); 0 turns the limit off.
RISKREG_PUBLIC_RATE_LIMIT = int(os.environ.get("RISKREG_PUBLIC_RATE_LIMIT", "60"))

# The cache the rate limit counts in (and the register's cached table is kept in). Unset,
# each server process has its own in memory, so a cluster of N processes lets an address
# make N times the limit; a Redis address (redis://host:6379/0) makes it one count.
CACHE_URL = os.environ.get("RISKREG_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The office named in the header and on papers.
OFFICE_NAME = os.environ.get("RISKREG_OFFICE_NAME", "Office of the West Midlands Police and Crime Commissioner")
