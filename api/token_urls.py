from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
