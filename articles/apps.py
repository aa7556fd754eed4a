from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Health articles"

    def ready(self):
        from pagecache.pages import changes_by_clock

        from . import signals  # noqa: F401  (retires cached pages on every public change)
        from .models import Article

        changes_by_clock(Article.objects.next_change_by_clock)
