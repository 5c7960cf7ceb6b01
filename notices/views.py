from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notices import send
from notices.forms import PreferencesForm
from notices.models import Notice
from riskreg.forms import posted

PAGE_SIZE = 25
SENT_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def notifications(request):
    """The signed-in person's notices, newest first, and what they choose to receive."""
    form = PreferencesForm(posted(request), instance=send.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your choices are saved.")
        return redirect("notices:notifications")
    notices = Notice.objects.filter(person=request.user).defer("last_error")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notifications.html", {"form": form, "page": page})


@require_GET
def notices_sent(request):
    """Register admins: every notice the register sent or tried to, with how it went."""
    if not request.user.is_register_admin():
        raise PermissionDenied
    state = request.GET.get("state", "")
    notices = Notice.objects.select_related("person").defer("body")
    if state in Notice.State.values:
        notices = notices.filter(state=state)
    else:
        state = ""
    counts = dict(Notice.objects.order_by().values_list("state").annotate(Count("pk")))
    page = Paginator(notices, SENT_PAGE_SIZE).get_page(request.GET.get("page"))
    states = [(value, label, counts.get(value, 0)) for value, label in Notice.State.choices]
    context = {"page": page, "states": states, "state": state, "query": f"state={state}" if state else ""}
    return render(request, "notices/sent.html", context)


@require_POST
def notice_send_again(request, pk):
    """Register admins: try a failed notice again."""
    if not request.user.is_register_admin():
        raise PermissionDenied
    notice = get_object_or_404(Notice, pk=pk)
    if send.notice_send_again(notice=notice, by=request.user):
        messages.success(request, f"The notice to {notice.person} is queued to be sent again.")
    else:
        messages.info(request, "That notice had not failed (it is sent, or waiting already).")
    return redirect("notices:sent")
