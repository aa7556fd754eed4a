from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Readers' comments"

    def ready(self):
        from pagecache.pages import render_stamp_field

        from . import signals  # noqa: F401  (retires cached pages on moderation)

        render_stamp_field("started")  # the comment form's "opened at"
