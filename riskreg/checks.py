"""Checks run when the site starts (manage.py check, migrate, runserver, db_worker): what a
machine is missing is named, with what to install or run, instead of every page answering
500. Registered in RiskregConfig.ready().

The static files one is a deployment check (`check --deploy`), also run as the WSGI
application starts (gunicorn, runserver: riskreg.wsgi): only serving pages needs them, so
migrate, createsuperuser and the other commands run before collectstatic."""

import contextlib
import io

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

# The Debian and Ubuntu packages the paper's PDF needs (README, "Deploying"): WeasyPrint's
# Pango and HarfBuzz, and Liberation Sans, the free font with Arial's metrics.
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation"
# Fonts with Arial's widths, which the paper's layout (and its page breaks) assume.
ARIAL_COMPATIBLE = {"Arial", "Liberation Sans", "Arimo"}


def load_weasyprint():
    """WeasyPrint, with its system libraries loaded; ImproperlyConfigured naming the
    packages to install when they are missing. Both the check and the PDF render use it."""
    # WeasyPrint prints its own notice on stdout before raising; the error says it better.
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            import weasyprint
        except OSError as error:
            raise ImproperlyConfigured(
                f"The committee paper's PDF cannot be made: WeasyPrint could not load its system "
                f"libraries ({error}). Install them (Debian and Ubuntu: "
                f"sudo apt-get install {PDF_PACKAGES}) and start the site again."
            ) from error
    return weasyprint


def arial_font() -> str:
    """The font family that fontconfig, and so the PDF, uses for Arial."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", b"Arial")
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            return ""
        family = ffi.new("FcChar8 **")
        try:
            if fontconfig.FcPatternGetString(match, b"family", 0, family) != 0:  # FcResultMatch
                return ""
            return ffi.string(family[0]).decode()
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


@checks.register()
def pdf_libraries(app_configs, **kwargs):
    try:
        load_weasyprint()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="riskreg.E001")]
    font = arial_font()
    if font not in ARIAL_COMPATIBLE:
        return [
            checks.Warning(
                f"The committee paper's PDF is set in Arial, and this machine has no font like it: "
                f"it would use {font or 'no font'} instead, and its pages would break differently.",
                hint="Install Liberation Sans (Debian and Ubuntu: sudo apt-get install fonts-liberation).",
                id="riskreg.W001",
            )
        ]
    return []


def _static_files() -> set[str]:
    """The files collectstatic would collect, by name."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    return {path for finder in get_finders() for path, _ in finder.list(ignore)}


@checks.register(deploy=True)
def static_files_collected(app_configs, **kwargs):
    """With debug off the pages name their CSS and JavaScript through collectstatic's
    manifest; a file missing from it makes every page that uses it fail."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    hint = (
        "Run `python manage.py collectstatic --no-input` (again after each upgrade), "
        "or set DJANGO_DEBUG=true to develop."
    )
    if not storage.hashed_files:
        return [
            checks.Error(
                f"The static files have not been collected: there is no manifest in {settings.STATIC_ROOT}, "
                "so every page would fail.",
                hint=hint,
                id="riskreg.E002",
            )
        ]
    missing = sorted(_static_files() - set(storage.hashed_files))
    if missing:
        return [
            checks.Error(
                f"{len(missing)} static file{'s are' if len(missing) > 1 else ' is'} not collected "
                f"in {settings.STATIC_ROOT} (first: {missing[0]}): the pages that use them would fail.",
                hint=hint,
                id="riskreg.E003",
            )
        ]
    return []


def refuse_to_serve_without_static_files() -> None:
    """ImproperlyConfigured, saying what to run, when the static files check fails: called
    as the WSGI application starts, since Django runs no checks there."""
    errors = static_files_collected(None)
    if errors:
        raise ImproperlyConfigured("\n".join(f"{error.msg} {error.hint} ({error.id})" for error in errors))
