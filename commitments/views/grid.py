"""The update grid: every commitment an officer leads, updated on one page (commitments.grid)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from commitments.grid import Grid
from commitments.models import ReportingPeriod
from commitments.views.common import current_plan


@require_http_methods(["GET", "POST"])
def update_grid(request, fy, q):
    if not request.user.is_staff_member():
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    plan = current_plan()
    grid = Grid.load(request.user, plan, period)
    if request.method == "POST":
        if not period.is_open:
            grid.refuse_all(request.POST, plan)
        elif "fill" in request.POST:
            grid.fill(request.POST, plan, request.POST["fill"])
        else:
            grid.save(request.POST, plan, by=request.user, submit_selected="submit" in request.POST)
            if not grid.errors:
                messages.success(request, grid.summary)
                return redirect("commitments:update_grid", fy=fy, q=q)
    return render(request, "commitments/grid.html", grid.context)
