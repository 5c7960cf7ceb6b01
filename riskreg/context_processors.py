from django.conf import settings
from django.urls import reverse


def navigation(request):
    """The service navigation for the signed-in person's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "office_name": settings.OFFICE_NAME}
    items = [("Home", reverse("home"))]
    if user.is_register_admin():
        items.append(("Users", reverse("admin:riskreg_user_changelist")))
    path = request.path
    return {
        "office_name": settings.OFFICE_NAME,
        "navigation": [
            {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
            for text, href in items
        ],
    }
