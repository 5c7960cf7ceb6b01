from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from risks import permissions
from risks.models import Risk


def require_reader(request) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def risk_or_404(ref: str, queryset=None) -> Risk:
    return get_object_or_404(queryset if queryset is not None else Risk.objects.select_related("owner"), ref=ref)
