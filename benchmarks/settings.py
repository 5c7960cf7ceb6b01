"""The site's settings with the benchmark URLconf (the product's URLs plus a minimal view)
and the benchmarks app, whose make_synthetic command builds the benchmarks' data.

Used only by `make bench` and `make loadtest` (DJANGO_SETTINGS_MODULE=benchmarks.settings).
"""

from riskreg.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

# Only here, not in the product: `manage.py make_synthetic` exists only under these settings.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405

# Logs to stderr: benchmarks.measure prints its figures as JSON on stdout, and a library's
# warning there (WeasyPrint's, on a machine without HarfBuzz-Subset) broke the run.
LOGGING["handlers"]["console"]["stream"] = "ext://sys.stderr"  # noqa: F405

# No task worker runs beside the benchmarks: each task runs as it is queued, so the
# published paper's PDF and Word file are rendered as make_synthetic publishes it (in
# production the worker renders them) and the downloads measured are the stored files.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# One address (127.0.0.1) makes every request, so the open data's per-address limit
# (60 a minute) would refuse most of them. Raised past what 20 users can send in a minute,
# not turned off (0): each request still counts itself in the cache, as in production.
RISKREG_PUBLIC_RATE_LIMIT = 10**9
