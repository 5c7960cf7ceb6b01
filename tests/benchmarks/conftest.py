import pytest


@pytest.fixture(autouse=True)
def benchmarks_app(settings):
    """The benchmarks app installed, as benchmarks/settings.py installs it, for make_synthetic."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "benchmarks"]
