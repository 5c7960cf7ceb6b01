from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("invite/", views.person_invite, name="invite"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    path("<int:pk>/two-factor/reset/", views.person_two_factor_reset, name="two_factor_reset"),
    path("<int:pk>/invitation/", views.person_invitation_resend, name="invitation_resend"),
]
