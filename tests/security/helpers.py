"""Shared by the security tests: a snapshot of the register's tables. (Readers of the
downloads are in tests.downloads.)"""

from django.apps import apps

from riskreg.management.commands.export_register import NOT_EXPORTED

# The apps whose tables are the register (history tables included: they are models of
# these apps), auth for the role groups, the task queue and the notices.
REGISTER_APPS = (
    "riskreg",
    "commitments",
    "risks",
    "committee",
    "panel",
    "kpis",
    "performance",
    "auth",
    "otp_totp",
    "otp_static",
    "django_tasks_database",
    "notices",
)


def db_counts() -> dict[str, int]:
    """Rows per table. Every write to a model with history adds a history row, so equal
    counts before and after mean nothing was created, changed or deleted. Without what is
    not register data (a previewed import waiting for its confirmation, for one)."""
    return {
        model._meta.label: model._base_manager.count()
        for app_label in REGISTER_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.label_lower not in NOT_EXPORTED
    }
