"""The site's settings with the benchmark URLconf: the product's URLs plus a minimal view.

Used only by `make bench` and `make loadtest` (DJANGO_SETTINGS_MODULE=benchmarks.settings).
"""

from riskreg.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

# Logs to stderr: benchmarks.measure prints its figures as JSON on stdout, and a library's
# warning there (WeasyPrint's, on a machine without HarfBuzz-Subset) broke the run.
LOGGING["handlers"]["console"]["stream"] = "ext://sys.stderr"  # noqa: F405
