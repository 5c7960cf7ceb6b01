from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risks.heatmap import HeatMap
from risks.models import ILLUSTRATIVE_NOTE, ScoringMatrix
from risks.register import default_period, periods_with_assessments
from risks.views.common import require_reader


@require_GET
def heatmap(request):
    require_reader(request)
    matrix = ScoringMatrix.objects.active()
    periods = periods_with_assessments()
    slug = request.GET.get("period")
    if slug:
        period = next((p for p in periods if p.slug == slug), None)
        if period is None:
            raise Http404("No such reporting period.")
    else:
        period = default_period(periods)
    previous = period.previous(among=periods) if period else None
    compare = request.GET.get("compare") == "1" and previous is not None
    context = HeatMap(period, previous, compare, matrix).context()
    context.update(
        periods=[p for p in reversed(periods) if p.assessed or p == period],
        illustrative_note=ILLUSTRATIVE_NOTE,
    )
    return render(request, "risks/heatmap.html", context)
