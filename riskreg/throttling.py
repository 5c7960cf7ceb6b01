"""Sign-in throttling with django-axes: whose address a sign-in comes from, and the
page a locked-out person sees instead of axes' bare text; and the per-address rate
limit of the open data (public downloads and the API)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The address of the person signing in.

    Behind a load balancer REMOTE_ADDR is the balancer's, so every sign-in would
    share one address; the right-most X-Forwarded-For entry is the one the balancer
    itself appended, which a client cannot forge (entries to its left can be).
    """
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = settings.AXES_COOLOFF_MINUTES
    if not minutes:
        return "Too many failed sign-in attempts. Ask a register admin to unlock your account."
    when = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"Too many failed sign-in attempts. Try again in {when}, or ask a register admin to unlock your account."


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page with the lockout explained, answered with 429 Too Many Requests.

    Called by axes' middleware for a locked-out sign-in (AXES_LOCKOUT_CALLABLE). The
    form is left out: each further try would only restart the cool-off time.
    """
    return render(request, "riskreg/sign_in_locked_out.html", {"message": lockout_message()}, status=429)


def over_rate_limit(request, scope: str) -> bool:
    """Count the request against its address's allowance for `scope` (the open data: the
    public downloads and the API); True once the address has used up this minute's.

    Counted in Django's cache: with the default local-memory cache each server process
    counts on its own, so an address may get up to that many times the limit from a
    cluster; a shared cache (RISKREG_CACHE_URL, Redis) makes it one count.
    """
    limit = settings.RISKREG_PUBLIC_RATE_LIMIT
    if not limit:
        return False
    key = f"rate:{scope}:{client_ip(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this is the first request of it
        cache.set(key, 1, timeout=120)
        return False


def too_many_requests(request) -> HttpResponse:
    """429 for a page or file of the open data, saying when to come back."""
    response = HttpResponse(
        "Too many requests from your address: wait a minute and try again.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(60 - int(time.time()) % 60)
    return response
