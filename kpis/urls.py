from django.urls import path

from kpis import importing, permissions, services, views
from kpis.forms import ImportForm
from riskreg.imports import Importer, import_confirm, import_upload

app_name = "kpis"

IMPORTER = Importer(
    app="kpis",
    title="Import KPIs",
    may_import=permissions.can_import,
    read=importing.plan_import,
    apply=services.kpis_import_apply,
    form_class=ImportForm,
    columns=importing.COLUMNS,
    preview="kpis/import_preview.html",
)

# Literal paths first: "<ref>/" would otherwise match them.
urlpatterns = [
    path("", views.register, name="register"),
    path("import/", import_upload, {"importer": IMPORTER}, name="import"),
    path("import/confirm/", import_confirm, {"importer": IMPORTER}, name="import_confirm"),
    path("<slug:ref>/", views.detail, name="detail"),
    path("<slug:ref>/<str:fy>/<str:q>/marking/", views.value_marking, name="value_marking"),
]
