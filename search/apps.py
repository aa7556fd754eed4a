from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Site search"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the stored search vectors up to date)
