from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Readers' comments"

    def ready(self):
        from pagecache.pages import per_reader_field

        from . import signals  # noqa: F401  (retires cached pages on moderation)
        from .forms import start_stamp

        # Each reader's form carries its own "opened at" stamp, also on a cached page.
        per_reader_field("started", lambda request: start_stamp())
