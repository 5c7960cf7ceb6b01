from django.shortcuts import render
from django.views.decorators.http import require_GET

from commitments.models import ReportingPeriod
from risks import permissions
from risks.detail import detail_queryset, risk_page
from risks.models import ILLUSTRATIVE_NOTE, ScoringMatrix
from risks.views.common import require_reader, risk_or_404


@require_GET
def detail(request, ref):
    require_reader(request)
    risk = risk_or_404(ref, detail_queryset())
    matrix = ScoringMatrix.objects.active()
    open_periods = list(ReportingPeriod.objects.open())
    by_period = {a.period_id: a for a in risk.assessments.all()}
    context = risk_page(risk, matrix)
    context.update(
        can_edit=permissions.can_edit(request.user, risk),
        assess_periods=[
            (p, by_period.get(p.pk)) for p in open_periods if permissions.can_assess(request.user, risk, p)
        ],
        illustrative_note=ILLUSTRATIVE_NOTE,
    )
    return render(request, "risks/detail.html", context)
