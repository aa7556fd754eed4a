"""Store again what article pages read from copies: every article's page parts and when
each topic has an article to read (articles/models/page_parts.py, Topic.readable_from).

Signals keep both in step with every change. Run this after a deploy or a rollback during
which code without those signals may have served editors (the deploy's `migrate` service
runs it after migrating), or after writing articles' parts in bulk.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, Topic
from pagecache.pages import retire_cached_pages


class Command(BaseCommand):
    help = "Store again every article's page parts and each topic's first publish time."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            retire_cached_pages()
            Article.objects.all().refresh_page_parts()
            Topic.objects.all().refresh_readable_from()
        self.stdout.write(
            f"Page parts of {Article.objects.count():,} articles stored again "
            f"in {time.monotonic() - started:.1f} s."
        )
