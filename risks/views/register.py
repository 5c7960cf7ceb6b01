from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from riskreg.exports import csv_response, xlsx_response
from risks import permissions
from risks.register import EXPORT_HEADER, Register, build_register
from risks.views.common import require_reader


@require_GET
def register(request):
    require_reader(request)
    the_register = build_register(request.GET)
    download = request.GET.get("download")
    if download:
        return _download(request, the_register, download)
    context = the_register.page(request.GET.get("page"))
    context.update(
        query=_without(request.GET, "download"),
        can_create=permissions.can_create(request.user),
        can_import=permissions.can_import(request.user),
    )
    return render(request, "risks/register.html", context)


def _download(request, the_register: Register, extension: str):
    if extension not in ("csv", "xlsx"):
        raise Http404("Downloads are csv or xlsx.")
    if the_register.form.is_bound and the_register.form.errors:
        messages.error(request, "The filters are not valid: correct them, then download again.")
        return redirect(f"{reverse('risks:register')}?{_without(request.GET, 'download')}")
    filename = the_register.filename(extension)
    if extension == "csv":
        return csv_response(filename, EXPORT_HEADER, the_register.export_rows())
    return xlsx_response(filename, [("Risk register", EXPORT_HEADER, the_register.export_rows())])


def _without(query, *names) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
