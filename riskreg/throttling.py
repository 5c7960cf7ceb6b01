"""Sign-in throttling with django-axes: whose address a sign-in comes from, and the
page a locked-out person sees instead of axes' bare text."""

from django.conf import settings
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
