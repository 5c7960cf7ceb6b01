from django.urls import path

from risks import views

app_name = "risks"

# Literal paths first: "<ref>/" would otherwise match them.
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.risk_create, name="create"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("bands.css", views.band_css, name="band_css"),
    path("<slug:ref>/", views.detail, name="detail"),
    path("<slug:ref>/edit/", views.risk_edit, name="edit"),
    path("<slug:ref>/status/", views.status_change, name="status"),
    path("<slug:ref>/assessments/<str:period>/", views.assessment_edit, name="assess"),
    path("<slug:ref>/actions/new/", views.action_edit, name="action_create"),
    path("<slug:ref>/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
]
