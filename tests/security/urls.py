"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db.utils import InterfaceError, OperationalError
from django.urls import path

from riskreg.urls import handler500
from riskreg.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def bad_request(request):
    raise BadRequest("a request the register cannot read")


def broken(request):
    raise RuntimeError("a bug: SECRET-DETAIL")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def database_interface_gone(request):
    raise InterfaceError("connection already closed")


urlpatterns = [
    path("test/forbidden/", forbidden),
    path("test/bad-request/", bad_request),
    path("test/broken/", broken),
    path("test/database-gone/", database_gone),
    path("test/database-interface-gone/", database_interface_gone),
    *site_urlpatterns,
]
