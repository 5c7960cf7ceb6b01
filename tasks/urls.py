from django.urls import path

from tasks import views

# No app_name: the home page keeps the site's name for it, "home".
urlpatterns = [path("", views.home, name="home")]
