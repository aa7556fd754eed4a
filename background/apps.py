from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Background work"

    def ready(self):
        from . import retries  # noqa: F401  (connects the retry policy to the worker)
