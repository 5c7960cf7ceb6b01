"""A first run that explains itself: what the machine lacks is named by `manage.py check`
(and so by migrate and runserver, which run it), with what to install or run. Static files
not collected are named by `check --deploy` and stop the site starting to serve pages, but
not the commands run before collectstatic."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.commands import PRODUCTION, run_manage

ROOT = Path(settings.BASE_DIR)


def test_production_without_collectstatic_is_told_to_run_it(tmp_path):
    result = run_manage("check", "--deploy", env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)})

    assert result.returncode != 0
    assert "riskreg.E002" in result.stderr
    assert "The static files have not been collected" in result.stderr
    assert "python manage.py collectstatic --no-input" in result.stderr


def test_production_without_collectstatic_refuses_to_start_serving(tmp_path):
    # What gunicorn and runserver do first: load the WSGI application.
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "import riskreg.wsgi",
        env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)},
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: The static files have not been collected" in result.stderr
    assert "python manage.py collectstatic --no-input" in result.stderr
    assert "(riskreg.E002)" in result.stderr


def test_production_with_the_static_files_collected_starts_serving(collected_static):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from riskreg.wsgi import application; print(type(application).__name__)",
        env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(collected_static)},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"


def test_production_commands_before_collectstatic_run(tmp_path):
    # The Deploying steps that need no static files: a database made and an admin added
    # before collectstatic, and the register exported, all with debug off.
    env = {
        **PRODUCTION,
        "DJANGO_STATIC_ROOT": str(tmp_path / "never-collected"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SUPERUSER_USERNAME": "first-admin",
        "DJANGO_SUPERUSER_EMAIL": "first-admin@example.org",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-first-admin-password-2026",
    }

    for command in (
        ["check"],
        ["migrate", "--no-input", "-v0"],
        ["makemigrations", "--check", "--dry-run"],
        ["createsuperuser", "--no-input"],
        ["export_register", str(tmp_path / "register.json")],
    ):
        result = run_manage(*command, env_overrides=env)
        assert result.returncode == 0, f"{command}: {result.stderr}"

    assert "first-admin" in (tmp_path / "register.json").read_text()


def test_production_with_a_file_added_since_collectstatic_is_told_to_run_it_again(collected_static, tmp_path):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    del manifest["paths"]["css/riskreg.css"]
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))

    result = run_manage("check", "--deploy", env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)})

    assert result.returncode != 0
    assert "riskreg.E003" in result.stderr
    assert "1 static file is not collected" in result.stderr
    assert "(first: css/riskreg.css)" in result.stderr


def test_production_with_the_static_files_collected_passes(collected_static):
    result = run_manage("check", env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(collected_static)})

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# manage.py check on a machine without Pango: cffi cannot load it, as when libpango is not
# installed. The check itself is the production one.
WITHOUT_PANGO = """
import cffi, sys
real_dlopen = cffi.FFI.dlopen

def dlopen(self, name, *args, **kwargs):
    if "pango" in str(name):
        raise OSError(f"cannot load library {name!r}: {name}: cannot open shared object file")
    return real_dlopen(self, name, *args, **kwargs)

cffi.FFI.dlopen = dlopen
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def _run(script, *args, env):
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "riskreg.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_pango_the_check_names_the_packages_to_install():
    result = _run(WITHOUT_PANGO, "check", env={"DJANGO_DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"})

    assert result.returncode != 0
    assert "riskreg.E001" in result.stderr
    assert "The committee paper's PDF cannot be made" in result.stderr
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation" in result.stderr
    assert "-----" not in result.stdout  # WeasyPrint's own notice, said better by the check


def test_without_pango_a_pdf_render_names_the_packages_too():
    script = WITHOUT_PANGO.replace(
        'execute_from_command_line(["manage.py", *sys.argv[1:]])',
        "import django; django.setup()\n"
        "from committee.rendering import pdf\n"
        "try:\n    pdf({}, status_line='')\nexcept Exception as error:\n    print(type(error).__name__, error)",
    )
    result = _run(script, env={"DJANGO_DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"})

    assert result.stdout.startswith("ImproperlyConfigured The committee paper's PDF cannot be made"), result.stderr
    assert "apt-get install libpango-1.0-0" in result.stdout


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.skipif(not DEJAVU.is_dir(), reason=f"needs the DejaVu fonts in {DEJAVU}")
def test_without_an_arial_like_font_the_check_warns_and_names_fonts_liberation(tmp_path):
    # fontconfig told about the DejaVu fonts only, as on a machine without fonts-liberation.
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{DEJAVU}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )

    result = run_manage(
        "check", env_overrides={"DJANGO_DEBUG": "true", "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    )

    assert result.returncode == 0  # a warning: the PDF is still made, in another font
    assert "riskreg.W001" in result.stderr
    assert "sudo apt-get install fonts-liberation" in result.stderr


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls")
def test_the_500_page_renders_when_the_static_files_were_never_collected(settings, tmp_path, client_as_officer):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    client_as_officer.raise_request_exception = False

    response = client_as_officer.get("/test/broken/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the register" in content
    assert 'href="/static/govuk/govuk-frontend.min.css"' in content
    assert 'href="/accessibility/"' in content
