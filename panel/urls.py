from django.urls import path

from panel import views

app_name = "panel"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("<str:fy>/<str:q>/", views.report_detail, name="report"),
    path("<str:fy>/<str:q>/edit/", views.report_edit, name="report_edit"),
    path("<str:fy>/<str:q>/publish/", views.report_publish, name="report_publish"),
    path("<str:fy>/<str:q>/<str:filename>", views.report_download, name="report_download"),
]
