"""`make` on a first run: a Python too old for Django 6.1 is refused with how to get one,
and a virtualenv an old Python made is made again, instead of pip failing half way."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _python_older_than_3_12() -> str | None:
    for name in ("python3.11", "python3.10", "python3"):
        path = shutil.which(name)
        if path:
            version = subprocess.run(
                [path, "-c", "import sys; print(sys.version_info[:2] < (3, 12))"], capture_output=True, text=True
            )
            if version.stdout.strip() == "True":
                return path
    return None


OLD_PYTHON = _python_older_than_3_12()
pytestmark = [
    pytest.mark.skipif(not shutil.which("make"), reason="needs make"),
    pytest.mark.skipif(not OLD_PYTHON, reason="needs a Python older than 3.12 on PATH (python3.11 or python3)"),
]


@pytest.fixture
def project(tmp_path):
    """The Makefile in a copy of the project with nothing to install, so that a run
    stops at what the test is about."""
    for name in ("Makefile", ".python-version"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("requirements.txt", "requirements-dev.txt"):
        (tmp_path / name).write_text("")
    return tmp_path


def _make(project, *args):
    # No index: the copy installs nothing, and `pip install --upgrade pip` then stays offline.
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(["make", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


def test_make_refuses_a_python_older_than_3_12_and_says_how_to_get_one(project):
    result = _make(project, "install", f"PYTHON={OLD_PYTHON}")

    assert result.returncode != 0
    assert f"{OLD_PYTHON} is Python 3." in result.stderr
    assert "Django 6.1 needs Python 3.12 or newer" in result.stderr
    assert "pyenv install 3.13" in result.stderr
    assert "apt-get install python3.13" in result.stderr
    assert not (project / ".venv").exists()


def test_make_makes_again_a_virtualenv_that_an_old_python_made(project):
    subprocess.run([OLD_PYTHON, "-m", "venv", "--without-pip", project / ".venv"], check=True)

    result = _make(project, "install", f"PYTHON={sys.executable}")

    assert result.returncode == 0, result.stderr
    assert ".venv was made by Python 3.1" in result.stdout
    version = subprocess.run(
        [project / ".venv/bin/python", "-c", "import sys; print(sys.version_info >= (3, 12))"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == "True"
    assert (project / ".venv/.installed").exists()
