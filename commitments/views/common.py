from django.http import Http404

from commitments.models import Plan


def current_plan():
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan has been imported yet.")
    return plan
