"""The API's documentation page, and a person's API tokens page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import services
from api.api import api
from api.forms import TokenForm
from api.models import ApiToken
from riskreg.forms import posted


def _endpoints() -> list[dict]:
    """Each operation of the OpenAPI schema: method, path, what it does, its parameters and answers."""
    schema = api.get_openapi_schema()
    found = []
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": operation.get("parameters", []),
                    "responses": sorted(operation.get("responses", {}).items()),
                    "staff": "security" in operation,
                }
            )
    return found


@login_not_required
@require_GET
def docs(request):
    """The endpoints, as a page in the site's look: a script-driven explorer would need what
    the site's Content-Security-Policy refuses, and a page reads better by keyboard and screen reader."""
    return render(request, "api/docs.html", {"endpoints": _endpoints()})


@require_http_methods(["GET", "POST"])
def tokens(request):
    if not services.may_have_tokens(request.user):
        raise PermissionDenied
    form = TokenForm(posted(request))
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.token_create(name=form.cleaned_data["name"], by=request.user)
        created = (token, raw)
        form = TokenForm()
    mine = list(ApiToken.objects.filter(user=request.user))
    response = render(request, "api/tokens.html", {"form": form, "tokens": mine, "created": created})
    if created:
        response["Cache-Control"] = "no-store"  # the token's text is on this page only
    return response


@require_POST
def token_revoke(request, pk):
    if not services.may_have_tokens(request.user):
        raise PermissionDenied
    # Someone else's token is not theirs to know of.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer opens the API.")
    return redirect("api_tokens:tokens")
