import logging
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riskreg import activity, queue, sso, two_factor
from riskreg.forms import SignInForm, posted
from riskreg.middleware import DATABASE_UNAVAILABLE, service_unavailable_response

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    template_name = "riskreg/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": sso.enabled()}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable", exc_info=True)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement a public body's site must publish: readable by anyone,
    signed in or not, from the link in every page's footer."""
    return render(request, "riskreg/accessibility.html", {"contact": settings.ACCESSIBILITY_CONTACT})


def _next_url(request, default: str | None = None) -> str:
    """Where to go next (after the two-factor step, a retry): the page that asked, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Second step of an admin's sign-in: the code from their authenticator app."""
    next_url = _next_url(request)
    if not two_factor.code_needed(request):
        return redirect(next_url)
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_set_up')}?{request.GET.urlencode()}")
    form = two_factor.CodeForm(posted(request), device=device, heading=True, backup=True)
    if form.is_valid():
        two_factor.sign_in_with(request, form.device)
        return redirect(next_url)
    return render(request, "riskreg/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Add the register to an authenticator app and prove it with one code: an admin's
    first sign-in, or anyone from their account page. Then the backup codes, once.
    Shows the secret, so never cached."""
    next_url = _next_url(request, default="account")
    if two_factor.confirmed_device(request.user) is not None:
        # Replacing a device is a register admin's job (/people/), not self-service:
        # otherwise a stolen password would be enough to move the second factor.
        if request.user.is_verified():
            return redirect(next_url)
        return redirect(f"{reverse('two_factor')}?{request.GET.urlencode()}")
    device = two_factor.device_to_set_up(request.user)
    form = two_factor.CodeForm(posted(request), device=device)
    if form.is_valid():
        two_factor.sign_in_with(request, form.device)
        request.session[two_factor.BACKUP_CODES_SESSION_KEY] = two_factor.backup_codes_new(request.user)
        return redirect(f"{reverse('two_factor_backup_codes')}?{urlencode({'next': next_url})}")
    context = {
        "form": form,
        "next": next_url,
        "secret": two_factor.secret_for_display(device),
        "otpauth_uri": device.config_url,
        "qr_code": two_factor.qr_code_data_uri(device),
    }
    return render(request, "riskreg/two_factor_set_up.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_backup_codes(request):
    """The backup codes, shown once after they are made; POST makes new ones (the old
    ones stop working). Only in a session that entered a code."""
    if two_factor.confirmed_device(request.user) is None or not request.user.is_verified():
        return redirect("account")
    if request.method == "POST":
        request.session[two_factor.BACKUP_CODES_SESSION_KEY] = two_factor.backup_codes_new(request.user)
        return redirect("two_factor_backup_codes")
    codes = request.session.pop(two_factor.BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account")
    return render(request, "riskreg/two_factor_backup_codes.html", {"codes": codes, "next": _next_url(request)})


@never_cache
@require_GET
def account(request):
    """Your account: how you sign in, and two-factor sign-in with its backup codes."""
    device = two_factor.confirmed_device(request.user)
    context = {
        "device": device,
        "required": two_factor.is_required_for(request.user),
        "backup_codes_left": two_factor.backup_codes_left(request.user) if device else 0,
    }
    return render(request, "riskreg/account.html", context)


ACTIVITY_PAGE_SIZE = 50


@require_GET
def activity_log(request):
    """Register admins: every recorded create, change and delete, by who, what and when.

    Read only: history is written by the saves themselves (django-simple-history), and
    nothing in the site edits it.
    """
    if not request.user.is_register_admin():
        raise PermissionDenied
    tracked = activity.tracked_models()
    form = activity.ActivityFilterForm(request.GET or None, tracked=tracked)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sign_ins = filters.get("kind") == activity.SIGN_INS
    if form.is_bound and not form.is_valid():
        rows = []
    elif sign_ins:
        rows = activity.sign_in_records(
            user=filters.get("user"), since=filters.get("since"), until=filters.get("until")
        )
    else:
        rows = activity.records(
            tracked,
            user=filters.get("user"),
            kind=filters.get("kind", ""),
            since=filters.get("since"),
            until=filters.get("until"),
        )
    page = Paginator(rows, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if sign_ins:
        entries = activity.sign_in_entries(page.object_list)
    else:
        entries = activity.entries(list(page.object_list), tracked)
    return render(
        request,
        "riskreg/activity.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "sign_ins": sign_ins,
            "query": query.urlencode(),
        },
    )


@require_GET
def task_queue(request):
    """Register admins: the background work waiting, running, failed (with the error) and done."""
    if not request.user.is_register_admin():
        raise PermissionDenied
    return render(request, "riskreg/task_queue.html", {"queue": queue.queue_summary()})


@require_POST
def task_retry(request, run_id):
    """Register admins: queue a failed task again, then back to the page that asked."""
    if not request.user.is_register_admin():
        raise PermissionDenied
    if queue.task_retry(run_id=run_id, by=request.user):
        messages.success(request, "The task is queued again: the next free worker will run it.")
    else:
        messages.info(request, "That task had not failed (it is done, or already queued again).")
    return redirect(_next_url(request, default="task_queue"))


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW), in the site's look."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """handler500, and the 503 page for a database outage found outside a view.

    The session and auth middleware read the database before any view runs; their
    errors end here (not in the middleware's process_exception). Rendered without the
    request: no context processor, so nothing here needs the database or the session.
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable_response()
    html = loader.render_to_string("500.html", {"office_name": settings.OFFICE_NAME})
    return HttpResponseServerError(html)
