from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self):
        from notices import checks, handovers  # noqa: F401 (registers the deploy check, connects the hand-overs)
