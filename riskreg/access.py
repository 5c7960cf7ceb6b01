"""Who may reach the site at all: a signed-in person with no role sees only the page
that says so and whom to ask; every other page answers that page with 403.

The roles' own rules (per view, per object) come after this; this is the floor under
them, so that a page which forgets to check a role still shows nothing to a person
who has none (a first single sign-on, an account whose roles were all taken away).
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render

from riskreg.roles import Role

# Views a person with no role may still use: their own sign-in, sign-out, password
# and two-factor pages. "home" answers the no-role page itself.
WITHOUT_A_ROLE = {
    "login",
    "logout",
    "home",
    "two_factor",
    "two_factor_set_up",
    "two_factor_backup_codes",
    "account",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "sso_start",
    "sso_callback",
}


# What a partner contributor (and nothing more) may reach: their own pages, their
# commitments (each view checks it is theirs) and their contributions. "home" sends them
# to their list. Anything else answers 404: they may not learn what else exists.
PARTNER_VIEWS = WITHOUT_A_ROLE | {"commitments:detail", "commitments:contribute", "commitments:contributions"}


def whom_to_ask(limit: int = 5) -> list:
    """The active register admins, named on the no-role page: one query."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.REGISTER_ADMIN)
        .order_by("first_name", "last_name", "username")
        .only("first_name", "last_name", "username", "email")[:limit]
    )


def no_role_page(request, status: int = 200):
    return render(request, "riskreg/no_role.html", {"admins": whom_to_ask()}, status=status)


class RoleRequiredMiddleware:
    """A signed-in person without a role gets the no-role page (403) on every page but
    those in WITHOUT_A_ROLE. Public pages (login_not_required) are let through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and user.is_partner_only():
            return self._partner(request, view_func)
        if not user.is_authenticated or user.has_any_role():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        name = request.resolver_match.view_name
        if name == "home" and request.method in ("GET", "HEAD"):
            return no_role_page(request)
        if name in WITHOUT_A_ROLE:
            return None
        return no_role_page(request, status=403)

    def _partner(self, request, view_func):
        if not getattr(view_func, "login_required", True):
            return None
        name = request.resolver_match.view_name
        if name == "home" and request.method in ("GET", "HEAD"):
            return redirect("commitments:contributions")
        if name in PARTNER_VIEWS:
            return None
        raise Http404("No such page.")
