from django.urls import path

from performance import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("publish/", views.publish_list, name="publish_list"),
    path("<str:fy>/<str:q>/", views.quarter, name="quarter"),
    path("<str:fy>/<str:q>/publish/", views.publish, name="publish"),
    path("<str:fy>/<str:q>/<str:filename>", views.download, name="download"),
]
