from django.urls import URLResolver, include, path

from api import views
from api.api import api


def _without_sign_in(patterns):
    """The API answers without the site's sign-in: the open data to anyone, the staff API
    to a token (ninja's own auth). LoginRequiredMiddleware reads this flag."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _without_sign_in(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


api_patterns, _, namespace = api.urls

urlpatterns = [
    path("v1/", include((_without_sign_in(api_patterns), namespace))),
    path("v1/docs", views.docs, name="api_docs"),
]
