from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Police and Crime Plan commitments"

    def ready(self):
        from commitments import caching

        caching.connect_signals()
