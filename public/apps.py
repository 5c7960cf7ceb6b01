from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public performance pages"

    def ready(self):
        from public import services

        services.connect_signals()
