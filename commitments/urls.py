from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.register, name="register"),
    path("commitments/download.<str:extension>", views.register_download, name="register_download"),
    path("commitments/mine/", views.mine, name="mine"),
    path("commitments/import/", views.import_upload, name="import"),
    path("commitments/import/confirm/", views.import_confirm, name="import_confirm"),
    path("commitments/<int:ref>/", views.detail, name="detail"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/edit/", views.update_edit, name="update_edit"),
    path("commitments/<int:ref>/<str:fy>/<str:q>/review/", views.update_review, name="update_review"),
    path("periods/", views.periods, name="periods"),
    path("periods/<str:slug>/status/", views.period_status, name="period_status"),
]
