from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate


def _sync_roles(sender, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from riskreg.roles import sync_role_permissions

    # flush (between transactional tests) sends post_migrate without the app registry.
    apps = apps or global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    sync_role_permissions(Group, Permission)


def _update_last_login_without_history(sender, user, **kwargs):
    """Django's update_last_login, without a history record.

    last_login is left out of the user's history (riskreg.models), but the save would
    still add an empty "changed" record at every sign-in, burying real changes to
    people and their roles on the activity page. Sign-ins are in django-axes' log.
    """
    from django.contrib.auth.models import update_last_login

    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving


class RiskregConfig(AppConfig):
    name = "riskreg"
    verbose_name = "Risk register: users and roles"

    def ready(self):
        from riskreg import checks  # noqa: F401  (registers the start-up checks)

        # Sent once per app; syncing after the last one is enough, but syncing each
        # time is cheap and keeps the order of apps irrelevant.
        post_migrate.connect(_sync_roles, dispatch_uid="riskreg.sync_roles")
        # django.contrib.auth's ready() (earlier in INSTALLED_APPS) connected its own.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_update_last_login_without_history, dispatch_uid="riskreg.update_last_login")

        from axes.signals import user_locked_out

        from riskreg import signins, two_factor

        user_logged_in.connect(signins.on_signed_in, dispatch_uid="riskreg.signins.signed_in")
        user_logged_in.connect(two_factor.on_signed_in, dispatch_uid="riskreg.two_factor.signed_in")
        user_logged_out.connect(signins.on_signed_out, dispatch_uid="riskreg.signins.signed_out")
        user_login_failed.connect(signins.on_failed, dispatch_uid="riskreg.signins.failed")
        user_locked_out.connect(signins.on_locked_out, dispatch_uid="riskreg.signins.locked_out")
