from django.shortcuts import render
from django.views.decorators.http import require_GET

from tasks.lists import home_page


@require_GET
def home(request):
    """What each of the person's roles has to do this quarter (tasks.lists)."""
    return render(request, "tasks/home.html", {"home": home_page(request.user)})
