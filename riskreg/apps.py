from django.apps import AppConfig
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


class RiskregConfig(AppConfig):
    name = "riskreg"
    verbose_name = "Risk register: users and roles"

    def ready(self):
        # Sent once per app; syncing after the last one is enough, but syncing each
        # time is cheap and keeps the order of apps irrelevant.
        post_migrate.connect(_sync_roles, dispatch_uid="riskreg.sync_roles")
