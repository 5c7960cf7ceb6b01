from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("sent/", views.notices_sent, name="sent"),
    path("sent/<int:pk>/send-again/", views.notice_send_again, name="send_again"),
]
