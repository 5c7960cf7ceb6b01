"""Site-wide middleware: the 503 page when the database is unreachable, and the
two-factor step for register admins."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse

from riskreg import two_factor

logger = logging.getLogger(__name__)

# What the database drivers raise when the server is down, restarting or unreachable.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def service_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request: no context processor, so nothing on
    the page needs the database (nor the session or the signed-in user)."""
    html = loader.render_to_string("503.html", {"office_name": settings.OFFICE_NAME})
    return HttpResponse(html, status=503, headers={"Retry-After": "60"})


class DatabaseUnavailableMiddleware:
    """Answer 503 "The register is temporarily unavailable" when the database is down.

    Two ways a database error reaches us:
    - raised by a view: process_exception below turns it into the 503 page;
    - raised by the session or auth middleware (they read the session and the user
      before any view runs): Django turns it into the handler500 response, and
      riskreg.views.server_error answers 503 for these errors too.

    There is nothing to do to recover: Django checks its connection at the start of each
    request (CONN_HEALTH_CHECKS) and opens a new one once the database answers again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        # One line, no traceback: during an outage every request fails the same way.
        logger.error(
            "Database unavailable: %s: %s",
            type(exception).__name__,
            str(exception).strip(),
            extra={"request": request, "status_code": 503},
        )
        return service_unavailable_response()


# Pages an admin may reach before entering a code: the two-factor pages and sign-out.
# Public pages (sign-in, /healthz) are let through too; static files never get here.
TWO_FACTOR_EXEMPT_VIEWS = {"two_factor", "two_factor_set_up", "logout"}


class AdminTwoFactorMiddleware:
    """Send a person who needs a two-factor code (a register admin when ADMIN_2FA_REQUIRED,
    anyone with an authenticator app) and has not entered one in this session to the
    two-factor page, whatever page they asked for.

    Needs django_otp's OTPMiddleware before it (it sets request.user.is_verified()).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if request.resolver_match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if not two_factor.code_needed(request):
            return None
        return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
