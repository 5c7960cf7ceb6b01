from django.conf import settings
from django.urls import reverse


def _items_for(user) -> list[tuple[str, str]]:
    items = [("Home", reverse("home"))]
    items.append(("Commitments", reverse("commitments:register")))
    if user.is_staff_member():
        items.append(("My commitments", reverse("commitments:mine")))
    if user.is_register_admin():
        items.append(("Periods", reverse("commitments:periods")))
    items += [("Risks", reverse("risks:register")), ("Risk heat map", reverse("risks:heatmap"))]
    items.append(("Committee papers", reverse("committee:papers")))
    if user.is_register_admin():
        items.append(("Users", reverse("admin:riskreg_user_changelist")))
        items.append(("Activity", reverse("activity")))
    return items


def navigation(request):
    """The office's name, and the service navigation for the signed-in person's roles."""
    context = {"office_name": settings.OFFICE_NAME, "navigation": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    items = _items_for(user)
    # The current item is the one whose address is the longest prefix of this page's.
    matches = [href for _, href in items if request.path == href or (href != "/" and request.path.startswith(href))]
    current = max(matches, key=len, default=None)
    context["navigation"] = [{"text": text, "href": href, "current": href == current} for text, href in items]
    return context
