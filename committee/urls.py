from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.paper_list, name="papers"),
    path("word-template/", views.word_template, name="word_template"),
    path("<str:fy>/<str:q>/", views.paper_detail, name="paper"),
    path("<str:fy>/<str:q>/edit/", views.paper_edit, name="paper_edit"),
    path("<str:fy>/<str:q>/publish/", views.paper_publish, name="paper_publish"),
    path("<str:fy>/<str:q>/<str:filename>", views.paper_download, name="paper_download"),
]
