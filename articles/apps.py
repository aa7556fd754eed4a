from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Health articles"

    def ready(self):
        from . import signals  # noqa: F401  (connects the page-cache invalidation)
