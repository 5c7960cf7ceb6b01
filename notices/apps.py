from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self):
        from notices import handovers  # noqa: F401 (connects the workflow's hand-overs)
