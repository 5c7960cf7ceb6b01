from django.urls import path

from risks.views import assessments, bands, detail, edit, heatmap, imports, register

app_name = "risks"

# Literal paths first: "<ref>/" would otherwise match them.
urlpatterns = [
    path("", register.register, name="register"),
    path("new/", edit.risk_create, name="create"),
    path("heatmap/", heatmap.heatmap, name="heatmap"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("bands.css", bands.band_css, name="band_css"),
    path("<slug:ref>/", detail.detail, name="detail"),
    path("<slug:ref>/edit/", edit.risk_edit, name="edit"),
    path("<slug:ref>/status/", edit.status_change, name="status"),
    path("<slug:ref>/assessments/<str:fy>/<str:q>/", assessments.assessment_edit, name="assess"),
    # The old spelling of a quarter in the address, 2025-26-q2: redirected to the one above.
    path("<slug:ref>/assessments/<str:period>/", assessments.assessment_moved, name="assess_moved"),
    path("<slug:ref>/actions/new/", edit.action_edit, name="action_create"),
    path("<slug:ref>/actions/<int:pk>/edit/", edit.action_edit, name="action_edit"),
]
