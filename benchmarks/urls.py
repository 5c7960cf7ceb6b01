"""The product's URLs plus `bench-ok/`, the framework's floor for the benchmarks.

The minimal view is not part of the product: it exists only in this URLconf. It goes
through the same middleware (sessions, sign-in, CSRF...) as every page, so the ratio
of a page to it is the cost of the page itself.
"""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


handler500 = "riskreg.views.server_error"

urlpatterns = [
    path("bench-ok/", ok, name="bench_ok"),
    path("", include("riskreg.urls")),
]
