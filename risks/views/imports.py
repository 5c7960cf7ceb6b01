"""Importing risks and their assessments from a file: upload and preview, then confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from riskreg.forms import posted
from riskreg.imports import forget_preview, previewed_file, remember_preview
from risks import importing, permissions
from risks.forms import ImportForm

IMPORT_SESSION_KEY = "risks_import"


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a file and see what it would change. Nothing is written here."""
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = importing.plan_import(upload.name, content)
        remember_preview(request, IMPORT_SESSION_KEY, upload.name, content, plan)
    return render(request, "risks/import.html", {"form": form, "plan": plan, "columns": importing.COLUMNS})


@require_POST
def import_confirm(request):
    """Apply the previewed import, all or nothing, if it still does what the preview said."""
    if not permissions.can_import(request.user):
        raise PermissionDenied
    pending = previewed_file(request, IMPORT_SESSION_KEY)
    if not pending:
        messages.error(request, "There is no import waiting to be confirmed. Upload the file again.")
        return redirect("risks:import")
    name, content, digest = pending
    plan = importing.plan_import(name, content)
    if not plan.is_valid or plan.digest() != digest:
        # The new preview's button confirms what it now shows.
        remember_preview(request, IMPORT_SESSION_KEY, name, content, plan)
        messages.error(
            request, "The register changed after the preview, so nothing was imported. Check the new preview below."
        )
        return render(request, "risks/import.html", {"form": ImportForm(), "plan": plan, "columns": importing.COLUMNS})
    importing.apply_import(plan, by=request.user)
    forget_preview(request, IMPORT_SESSION_KEY)
    counts = plan.counts
    messages.success(
        request,
        f"Imported {name}: {counts['new_risks']} new and {counts['changed_risks']} changed risks, "
        f"{counts['new_assessments']} new and {counts['changed_assessments']} changed assessments.",
    )
    return redirect("risks:register")
