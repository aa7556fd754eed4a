"""Approved drafts go live at their publish time, with no scheduler to run.

A scheduled new article is public from its publish time by a filter alone; an approved
draft must be copied onto its live page, which takes a write. The first request for a
public page or the admin after that time does it, before the page is rendered, so readers
and staff see the new version from then on (cached pages expire at that time too: see
`ArticleQuerySet.next_change_by_clock`). The time of the next approved draft is kept in
the cache (looked up again whenever an article is saved, and at least every 30 seconds),
so such requests cost one cache read and no query; other addresses (health checks, static
files) never touch the cache for it. `manage.py publish_scheduled_drafts` does the same
from a timer.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from .models.drafts import next_draft_time, publish_due_drafts, remember_next_draft_time

logger = logging.getLogger(__name__)


class ScheduledDraftsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        shows_articles = hasattr(view_func, "page_cache_query_parameters") or (
            request.path_info.startswith(self.admin_prefix)
        )
        if not shows_articles:
            return None
        try:
            due = next_draft_time()
            if due is not None and due <= timezone.now():
                publish_due_drafts()
                remember_next_draft_time()
        except DatabaseError:
            # The page itself meets the same failure and shows the calm 503 page; a draft
            # that could not go live now goes live on a later request.
            logger.warning("Scheduled drafts not published: database unavailable")
        return None
