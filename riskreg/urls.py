from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riskreg import passwords, sso, views

admin.site.site_header = "Risk register administration"
admin.site.site_title = "Risk register administration"

# 400, 403 and 404 use Django's views with our templates (templates/400.html...);
# 500 needs its own, to answer 503 when the database is the cause.
handler500 = "riskreg.views.server_error"

urlpatterns = [
    path("", include("tasks.urls")),  # the home page: each role's task list
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/sso/", sso.sso_start, name="sso_start"),
    path("sign-in/sso/callback/", sso.sso_callback, name="sso_callback"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two_factor"),
    path("sign-in/two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path("sign-in/two-factor/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("sign-in/forgotten/", passwords.ForgottenPasswordView.as_view(), name="password_reset"),
    path(
        "sign-in/forgotten/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="riskreg/password_reset_done.html",
            extra_context={"minutes": settings.RISKREG_PASSWORD_RESET_MINUTES},
        ),
        name="password_reset_done",
    ),
    path(
        "sign-in/reset/<str:uidb64>/<str:token>/", passwords.ChoosePasswordView.as_view(), name="password_reset_confirm"
    ),
    path(
        "sign-in/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="riskreg/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "welcome/<str:uidb64>/<str:token>/",
        passwords.ChoosePasswordView.as_view(token_generator=passwords.invitation_token, invitation=True),
        name="invitation_accept",
    ),
    path("sign-out/", sso.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("activity/", views.activity_log, name="activity"),
    path("tasks-queue/", views.task_queue, name="task_queue"),
    path("tasks-queue/<uuid:run_id>/retry/", views.task_retry, name="task_retry"),
    path("", include("commitments.urls")),
    path("risks/", include("risks.urls")),
    path("committee/", include("committee.urls")),
    path("panel/", include("panel.urls")),
    path("notifications/", include("notices.urls")),
    path("kpis/", include("kpis.urls")),
    path("performance/", include("performance.urls")),
    path("api/", include("api.urls")),
    path("api-tokens/", include("api.token_urls")),
    path("people/", include("people.urls")),
    path("admin/", admin.site.urls),
]
