from django.db import migrations

from riskreg.roles import Role, sync_role_permissions


def create_roles(apps, schema_editor):
    # Permissions of models migrated later are added by the post_migrate sync in
    # riskreg.apps; this makes the four groups exist from the first migrate.
    sync_role_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=Role.values).delete()


class Migration(migrations.Migration):
    dependencies = [("riskreg", "0001_initial")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
