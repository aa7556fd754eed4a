"""What another system keeping a copy of our articles needs to stay in step with them: when
each article last changed as it sees it, and which articles were taken down.

An article as the content API gives it changes when the article is saved, when any of its
parts is written again (its stored page parts, `PageParts.stored_at`: sections, treatments,
references, topics), when it goes live at its publish time, and when its care card changes
(a red flag or a care card heading of one of its topics: the checker's app calls
`mark_changed`). Each of those moves the time `changes_since` reads, so a copy is never told
it is current while its red flags are not.

An article that was public and no longer is (unpublished, archived, scheduled again for
later) is a change too, of kind "withdrawn"; one deleted leaves a `RemovedArticle` row,
written by editors' deletions only, so the table grows no faster than the site.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import BooleanField, Case, F, Q, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .article import Article
from .page_parts import PageParts
from .publication import is_published


class Change(models.TextChoices):
    PUBLISHED = "published", "Published or updated: fetch it again"
    WITHDRAWN = "withdrawn", "No longer public: take your copy down"
    REMOVED = "removed", "Deleted: take your copy down"


class RemovedArticle(models.Model):
    """An article deleted after it had been public, for the changes feed (see above)."""

    article_id = models.PositiveBigIntegerField("id of the deleted article", unique=True)
    slug = models.SlugField(max_length=200)
    removed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["removed_at", "article_id"]
        verbose_name = "deleted article"

    def __str__(self):
        return self.slug


@dataclass(frozen=True)
class ArticleChange:
    at: datetime.datetime
    article_id: int
    slug: str
    change: Change
    article: object = None  # the Article, unless it was removed

    @property
    def position(self):
        """Where this change is in the feed: changes are read after a (time, id) position."""
        return (self.at, self.article_id)


def changed_pages():
    """The pages ever scheduled or published, each annotated with when it last changed as
    other systems see it (`changed_at`) and whether it is public now (`public`)."""
    now = timezone.now()
    went_live = Case(When(published_at__lte=now, then=F("published_at")), default=F("updated_at"))
    return (
        Article.objects.pages()
        .filter(published_at__isnull=False)
        .annotate(
            changed_at=Greatest(
                F("updated_at"), Coalesce(F("page_parts__stored_at"), F("updated_at")), went_live
            ),
            public=Case(
                When(is_published(), then=True), default=False, output_field=BooleanField()
            ),
        )
    )


def changes_since(since=None, after_id=0, until=None, limit=100):
    """Up to `limit` changes after the position (`since`, `after_id`) and not after `until`,
    oldest first, and whether more follow. Reading on from the last one's position never
    skips a change, even when many share a time stamp (a bulk import)."""

    def between(time_field, id_field):
        settled = Q(**{f"{time_field}__lte": until}) if until is not None else Q()
        if since is None:
            return settled
        return settled & (
            Q(**{f"{time_field}__gt": since})
            | Q(**{time_field: since, f"{id_field}__gt": after_id})
        )

    pages = (
        changed_pages()
        .filter(between("changed_at", "pk"))
        .order_by("changed_at", "pk")
        .only("slug")[: limit + 1]
    )
    removed = RemovedArticle.objects.filter(between("removed_at", "article_id"))[: limit + 1]
    changes = [
        ArticleChange(
            page.changed_at,
            page.pk,
            page.slug,
            Change.PUBLISHED if page.public else Change.WITHDRAWN,
            page if page.public else None,
        )
        for page in pages
    ] + [
        ArticleChange(gone.removed_at, gone.article_id, gone.slug, Change.REMOVED)
        for gone in removed
    ]
    changes.sort(key=lambda change: change.position)
    return changes[:limit], len(changes) > limit


def mark_changed(articles):
    """Tell other systems these articles changed, though nothing of their own row or parts
    did (their care card did): their stored parts are marked written now, and those without
    a copy get one."""
    PageParts.objects.filter(article__in=articles).update(stored_at=timezone.now())
    articles.filter(page_parts__isnull=True).refresh_page_parts()


def note_removed(article):
    """Remember a deleted article that had been public (not a draft of a live page)."""
    if article.draft_of_id is None and article.published_at is not None:
        RemovedArticle.objects.update_or_create(
            article_id=article.pk, defaults={"slug": article.slug, "removed_at": timezone.now()}
        )
