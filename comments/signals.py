"""Retire cached pages when readers can see a change in the comments."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pagecache.pages import retire_cached_pages

from .models import Comment


@receiver(post_save, sender=Comment, dispatch_uid="pagecache-comment-saved")
def comment_saved(sender, instance, created, **kwargs):
    # A new reader's comment waits for a moderator: nothing public changes until a decision.
    if created and instance.status != Comment.Status.APPROVED:
        return
    retire_cached_pages()


@receiver(post_delete, sender=Comment, dispatch_uid="pagecache-comment-deleted")
def comment_deleted(sender, **kwargs):
    retire_cached_pages()
