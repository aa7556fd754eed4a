"""Approved drafts go live at their publish time, with no scheduler to run.

A scheduled new article is public from its publish time by a filter alone; an approved
draft must be copied onto its live page, which takes a write. The first request after the
time does it, before the page is rendered, so everyone sees the new version from then on
(cached pages expire at that time too: see `ArticleQuerySet.next_change_by_clock`). The
time of the next approved draft is kept in the cache, so requests in between cost one
cache read and no query; `manage.py publish_scheduled_drafts` does the same from a timer.
"""

import logging

from django.db import DatabaseError
from django.utils import timezone

from .models.drafts import forget_next_draft_time, next_draft_time, publish_due_drafts

logger = logging.getLogger(__name__)


class ScheduledDraftsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            due = next_draft_time()
            if due is not None and due <= timezone.now():
                publish_due_drafts()
                forget_next_draft_time()
        except DatabaseError:
            # The page itself meets the same failure and shows the calm 503 page; a draft
            # that could not go live now goes live on a later request.
            logger.warning("Scheduled drafts not published: database unavailable")
        return self.get_response(request)
