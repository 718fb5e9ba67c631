"""Settings, read from the environment.

LSHUB_DATA_DIR  where all state lives (default ./var): the SQLite file, the secret key
DATABASE_URL    overrides the database (e.g. postgresql://postgres@127.0.0.1:5432/test)
LSHUB_DEBUG     1 to run with Django's debug pages
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LSHUB_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """A per-installation key, created once and kept in the data directory."""
    if os.environ.get("LSHUB_SECRET_KEY"):
        return os.environ["LSHUB_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("LSHUB_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("LSHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "lshub.registry",
    "lshub.observatory",
    "lshub.reports",
    "lshub.sources",
    "lshub.linkage",
    "lshub.partnering",
    "lshub.api",
    "lshub.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "lshub.config.urls"
WSGI_APPLICATION = "lshub.config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'lshub.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Readers do not block the writer; a busy database waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italiano"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

STATIC_URL = "static/"


def _package_static(package: str) -> Path:
    """The static folder a registry package ships, found without importing it.

    django-leaflet ships Leaflet itself; it is not an installed app because its admin
    widgets need GDAL, which lshub does not use.
    """
    spec = importlib.util.find_spec(package)
    return Path(next(iter(spec.submodule_search_locations))) / "static" / package


STATICFILES_DIRS = [("leaflet", _package_static("leaflet"))]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders; it only warns if this is missing
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False

# The map keeps working without tiles: markers are drawn even when this server is unreachable.
LSHUB_TILE_URL = os.environ.get("LSHUB_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LSHUB_PAGE_SIZE = 20
