"""Settings of the local identity provider. Its own database, cookies and settings
module, so that it and the register can run side by side on one host (cookies ignore
ports: the names must differ)."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("OIDC_PROVIDER_DATA", HERE.parent.parent / "var" / "oidc-provider"))
DATA.mkdir(parents=True, exist_ok=True)

SECRET_KEY = "local-identity-provider-for-tests-and-development-only-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Its issuer, in the tokens it signs: the address it really answers on.
SITE_URL = os.environ.get("OIDC_PROVIDER_URL", "http://127.0.0.1:8001")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "provider.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"
LOGIN_URL = "/accounts/login/"

# Like Entra ID with "groups" in the token configuration: the ID token carries the
# person's group ids (here: their Django group names) and their email and names.
OIDC_IDTOKEN_INCLUDE_CLAIMS = True
OIDC_USERINFO = "tests.oidc_provider_site.hooks.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider_site.hooks.id_token"
OIDC_TEST_MODE_FILE = DATA / "mode"
