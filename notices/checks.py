from django.conf import settings
from django.core.checks import Warning, register

LOCAL = ("http://127.0.0.1", "http://localhost")


@register(deploy=True)
def site_url_check(app_configs, **kwargs):
    """In production the links in emails must point at the site, not at this machine."""
    if settings.SITE_URL.startswith(LOCAL):
        return [
            Warning(
                f"RISKREG_SITE_URL is {settings.SITE_URL}: the links in the register's emails would point at "
                "the reader's own machine.",
                hint="Set RISKREG_SITE_URL to the address people open the register at, e.g. "
                "https://risk-register.example.org",
                id="notices.W001",
            )
        ]
    return []
