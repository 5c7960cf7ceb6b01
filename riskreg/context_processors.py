from django.conf import settings
from django.urls import reverse


def _items_for(user) -> list[tuple[str, str]]:
    items = [("Home", reverse("home"))]
    # commitments
    # risks
    # committee
    if user.is_register_admin():
        items.append(("Users", reverse("admin:riskreg_user_changelist")))
    return items


def navigation(request):
    """The office's name, and the service navigation for the signed-in person's roles."""
    context = {"office_name": settings.OFFICE_NAME, "navigation": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    path = request.path
    context["navigation"] = [
        {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
        for text, href in _items_for(user)
    ]
    return context
