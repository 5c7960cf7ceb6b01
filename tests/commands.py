"""manage.py in a child process, as an operator runs it, with the settings under test; and
the task worker in this one."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def run_manage(*args, env_overrides):
    """Without the suite's DJANGO_ settings, with `env_overrides` instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # The settings are under test, not a database; but the model checks ask one what it
    # supports (Commitment.search_text is a GeneratedField), so give them one that exists.
    env["DATABASE_URL"] = "sqlite://:memory:"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Production settings for manage.py in a child process: debug off, a secret key, a host,
# an SMTP server. Add DJANGO_STATIC_ROOT (the `collected_static` fixture) for the checks.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-and-random-production-secret-key-" + "q" * 20,
    "DJANGO_ALLOWED_HOSTS": "risk-register.example.org",
    "RISKREG_SMTP_HOST": "smtp.example.org",
    "RISKREG_SITE_URL": "https://risk-register.example.org",
}


def run_worker() -> str:
    """The real task worker (manage.py db_worker), in this process, until the queue is
    empty (with the `task_queue` fixture); what it printed."""
    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    return out.getvalue()
