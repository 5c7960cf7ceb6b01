from django.conf import settings
from django.urls import reverse


def _items_for(user) -> list[tuple[str, str, str]]:
    """(text, address, what it is for) of each part of the register this person may use."""
    admin, staff = user.is_register_admin(), user.is_staff_member()
    items = [
        ("Home", "home", "", True),
        ("Commitments", "commitments:register", "Every commitment of the plan with its quarterly RAG status.", True),
        ("My commitments", "commitments:mine", "The updates you write, and those waiting for your review.", staff),
        ("Periods", "commitments:periods", "Open and close the quarters for updates.", admin),
        ("Risks", "risks:register", "The corporate risk register, with scores and direction of travel.", True),
        ("Risk heat map", "risks:heatmap", "Likelihood against impact, and which risks moved.", True),
        ("KPIs", "kpis:register", "The plan's key performance indicators, quarter by quarter.", True),
        ("Committee papers", "committee:papers", "The quarterly Risk Management Update and its downloads.", True),
        (
            "Panel reports",
            "panel:reports",
            "The quarterly report on the plan's delivery to the Police and Crime Panel.",
            staff or user.is_committee_member(),
        ),
        ("Notifications", "notices:notifications", "What the register told you, and what you choose to receive.", True),
        ("Publish for the public", "public:publish_list", "What the public performance pages show.", admin),
        ("API tokens", "api_tokens:tokens", "Your tokens for reading the registers through the API.", True),
        ("People", "people:list", "People, their roles and how they sign in.", admin),
        ("Activity", "activity", "Who changed what, and when.", admin),
        ("Task queue", "task_queue", "Background work: renders waiting, running, failed and done.", admin),
        ("Notices sent", "notices:sent", "Every notice emailed to anyone: sent, waiting or failed.", admin),
    ]
    return [(text, reverse(name), description) for text, name, description, allowed in items if allowed]


def navigation(request):
    """The office's name, and the service navigation for the signed-in person's roles."""
    context = {"office_name": settings.OFFICE_NAME, "navigation": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    items = _items_for(user)
    # The current item is the one whose address is the longest prefix of this page's.
    matches = [href for _, href, _ in items if request.path == href or (href != "/" and request.path.startswith(href))]
    current = max(matches, key=len, default=None)
    context["navigation"] = [
        {"text": text, "href": href, "description": description, "current": href == current}
        for text, href, description in items
    ]
    return context
