from django.urls import path

from riskreg.imports import Importer, import_confirm, import_upload
from risks import importing, permissions, services, views
from risks.forms import ImportForm

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
    path("", views.register, name="register"),
    path("new/", views.risk_create, name="create"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("import/", import_upload, {"importer": IMPORTER}, name="import"),
    path("import/confirm/", import_confirm, {"importer": IMPORTER}, name="import_confirm"),
    path("bands.css", views.band_css, name="band_css"),
    path("<slug:ref>/", views.detail, name="detail"),
    path("<slug:ref>/edit/", views.risk_edit, name="edit"),
    path("<slug:ref>/status/", views.status_change, name="status"),
    path("<slug:ref>/assessments/<str:period>/", views.assessment_edit, name="assess"),
    path("<slug:ref>/actions/new/", views.action_edit, name="action_create"),
    path("<slug:ref>/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
]
