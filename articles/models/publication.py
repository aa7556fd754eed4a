"""When an article is public, and who may move it between statuses."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    # Only a draft of a live page: signed off, waiting for its publish time to replace it.
    APPROVED = "approved", "Approved, goes live at the publish time"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


# Who may move an article between statuses: editors submit, clinicians sign off and publish.
SUBMIT, PUBLISH = "submit_article", "publish_article"
WORKFLOW = {
    "draft": {"in_review": SUBMIT, "published": PUBLISH, "archived": PUBLISH},
    "in_review": {"draft": SUBMIT, "published": PUBLISH, "archived": PUBLISH},
    "published": {"unpublished": PUBLISH, "archived": PUBLISH},
    "unpublished": {"published": PUBLISH, "draft": PUBLISH, "archived": PUBLISH},
    "archived": {"draft": PUBLISH},
}
# A draft of a live page is never published itself: approving it replaces the live page's
# content (now, or at its publish time).
DRAFT_WORKFLOW = {
    "draft": {"in_review": SUBMIT, "approved": PUBLISH},
    "in_review": {"draft": SUBMIT, "approved": PUBLISH},
    "approved": {"draft": PUBLISH, "in_review": PUBLISH},
}


def is_published(through=""):
    """The condition for an article the public may read, optionally across a relation
    (`through="article__"`): published, with a publish time that has come."""
    return Q(
        **{
            f"{through}status": ArticleStatus.PUBLISHED,
            f"{through}published_at__lte": timezone.now(),
        }
    )
