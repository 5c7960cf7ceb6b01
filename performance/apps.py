from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "performance"
    verbose_name = "Public performance pages"

    def ready(self):
        from performance import services

        services.connect_signals()
