"""Keep what readers see of the comments in step: retire cached pages when it changes, and
keep each article's count of the threads shown under it (`recount_threads`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from pagecache.pages import retire_cached_pages

from .models import Comment, recount_threads


@receiver(post_save, sender=Comment, dispatch_uid="pagecache-comment-saved")
def comment_saved(sender, instance, created, **kwargs):
    # A new reader's comment waits for a moderator: nothing public changes until a decision.
    if created and instance.status != Comment.Status.APPROVED:
        return
    if instance.parent_id is None:  # a reply is shown in its thread, and counts in none
        recount_threads([instance.article_id])
    retire_cached_pages()


@receiver(post_delete, sender=Comment, dispatch_uid="pagecache-comment-deleted")
def comment_deleted(sender, instance, origin, **kwargs):
    # An article being deleted takes its comments along: it needs no count.
    article_deleted = isinstance(origin, Article) or getattr(origin, "model", None) is Article
    if instance.parent_id is None and not article_deleted:
        recount_threads([instance.article_id])
    retire_cached_pages()


@receiver(post_save, sender=Article, dispatch_uid="comment-threads-article-saved")
def article_saved(sender, instance, created, **kwargs):
    """A save writes back the count the article was read with, which a moderator may have
    changed since (and a restore from History, the count of long ago): count again."""
    if not created:
        recount_threads([instance.pk])
