"""What another system keeping a copy of our articles needs to stay in step with them: when
each public article last changed as it sees it, and which articles were taken down.

A public article as the content API gives it changes when the article is saved, when any
of its parts is written again with something new (its stored page parts,
`PageParts.stored_at`: sections, treatments, references, topics), when it goes live at its
publish time, when its care card changes (a red flag or a care card heading of one of its
topics: the checker's app calls `mark_changed`), and when a section's Markdown does, which
the copy does not hold (articles.signals calls it). Each of those moves the time
`changes_since` reads, so a copy is never told it is current while its red flags are not.

An article that stops being public (unpublished, archived, its publish time cleared or
moved to later) or is deleted while public leaves a `Withdrawal`, written as it happens:
whatever its fields say afterwards, a copy is told to go. Articles that were never public
(drafts, scheduled ones) are never named. One row per article, so the table grows no
faster than the site.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .article import Article
from .page_parts import PageParts


class Change(models.TextChoices):
    PUBLISHED = "published", "Published or updated: fetch it again"
    WITHDRAWN = "withdrawn", "No longer public: take your copy down"
    REMOVED = "removed", "Deleted: take your copy down"


class Withdrawal(models.Model):
    """The last time a public article was taken down (see this module's docstring)."""

    article_id = models.PositiveBigIntegerField("id of the article", unique=True)
    slug = models.SlugField(max_length=200)
    change = models.CharField(
        max_length=20, choices=[(c.value, c.label) for c in (Change.WITHDRAWN, Change.REMOVED)]
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "article_id"]

    def __str__(self):
        return f"{self.slug} {self.change}"


@dataclass(frozen=True)
class ArticleChange:
    at: datetime.datetime
    article_id: int
    slug: str
    change: Change
    article: object = None  # the Article, when it is public

    @property
    def position(self):
        """Where this change is in the feed: changes are read after a (time, id) position."""
        return (self.at, self.article_id)


def changed_public_pages():
    """The public articles, each annotated with when it last changed as other systems see
    it (`changed_at`): its last save, the last new copy of its parts, its going live."""
    return (
        Article.objects.published()
        .pages()
        .annotate(
            changed_at=Greatest(
                F("updated_at"),
                Coalesce(F("page_parts__stored_at"), F("updated_at")),
                F("published_at"),
            )
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
        changed_public_pages()
        .filter(between("changed_at", "pk"))
        .order_by("changed_at", "pk")
        .only("slug")[: limit + 1]
    )
    taken_down = Withdrawal.objects.filter(between("at", "article_id"))[: limit + 1]
    changes = [
        ArticleChange(page.changed_at, page.pk, page.slug, Change.PUBLISHED, page) for page in pages
    ] + [
        ArticleChange(gone.at, gone.article_id, gone.slug, Change(gone.change))
        for gone in taken_down
    ]
    changes.sort(key=lambda change: change.position)
    return changes[:limit], len(changes) > limit


def mark_changed(articles):
    """Tell other systems these articles changed, though nothing of their own row or parts
    did (their care card did): their stored parts are marked written now, and those without
    a copy get one."""
    PageParts.objects.filter(article__in=articles).update(stored_at=timezone.now())
    articles.filter(page_parts__isnull=True).refresh_page_parts()


def was_public(article):
    """Whether the saved row of `article` is public now (False for a new article)."""
    if article.pk is None:
        return False
    return Article.objects.published().filter(pk=article.pk).exists()


def note_taken_down(article, change):
    Withdrawal.objects.update_or_create(
        article_id=article.pk,
        defaults={"slug": article.slug, "change": change, "at": timezone.now()},
    )


def note_saved(article, was_public_before):
    """A save that made a public article no longer public takes it down."""
    if was_public_before and not article.is_public:
        note_taken_down(article, Change.WITHDRAWN)


def note_deleted(article, was_public_before):
    """A deleted article that is, or once was, public elsewhere must go from every copy."""
    if was_public_before or Withdrawal.objects.filter(article_id=article.pk).exists():
        note_taken_down(article, Change.REMOVED)
