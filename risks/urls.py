from django.urls import path

from riskreg.imports import Importer, import_confirm, import_upload
from risks import importing, permissions, services
from risks.forms import ImportForm
from risks.views import assessments, bands, detail, edit, heatmap, register

app_name = "risks"

IMPORTER = Importer(
    app="risks",
    title="Import risks",
    may_import=permissions.can_import,
    read=importing.plan_import,
    apply=services.risks_import_apply,
    form_class=ImportForm,
    columns=importing.COLUMNS,
    preview="risks/import_preview.html",
    layout="risks/layout.html",
)

# Literal paths first: "<ref>/" would otherwise match them.
urlpatterns = [
    path("", register.register, name="register"),
    path("new/", edit.risk_create, name="create"),
    path("heatmap/", heatmap.heatmap, name="heatmap"),
    path("import/", import_upload, {"importer": IMPORTER}, name="import"),
    path("import/confirm/", import_confirm, {"importer": IMPORTER}, name="import_confirm"),
    path("bands.css", bands.band_css, name="band_css"),
    path("<slug:ref>/", detail.detail, name="detail"),
    path("<slug:ref>/edit/", edit.risk_edit, name="edit"),
    path("<slug:ref>/status/", edit.status_change, name="status"),
    path("<slug:ref>/marking/", edit.risk_marking, name="marking"),
    path("<slug:ref>/assessments/<str:fy>/<str:q>/", assessments.assessment_edit, name="assess"),
    # The old spelling of a quarter in the address, 2025-26-q2: redirected to the one above.
    path("<slug:ref>/assessments/<str:period>/", assessments.assessment_moved, name="assess_moved"),
    path("<slug:ref>/actions/new/", edit.action_edit, name="action_create"),
    path("<slug:ref>/actions/<int:pk>/edit/", edit.action_edit, name="action_edit"),
]
