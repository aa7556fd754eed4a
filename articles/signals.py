"""Retire cached public pages whenever something readers can see in an article changes."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from pagecache.pages import retire_cached_pages, retire_when_changed

from .models import Article, ArticleTreatment, Reference, Section, Topic, Treatment

retire_when_changed(Article, Section, Treatment, ArticleTreatment, Reference, Topic)


@receiver(m2m_changed, sender=Article.topics.through, dispatch_uid="pages-topics")
@receiver(m2m_changed, sender=Article.treatments.through, dispatch_uid="pages-treatments")
@receiver(m2m_changed, sender=Article.related_articles.through, dispatch_uid="pages-related")
def links_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        retire_cached_pages()


# Staff names are shown on article pages: the clinician who reviewed it, and clinicians
# answering readers' comments under it.
PUBLIC_NAME_FIELDS = ("first_name", "last_name", "username")


def public_name(user):
    return tuple(getattr(user, field) for field in PUBLIC_NAME_FIELDS)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pages-user-before")
def note_public_name(sender, instance, update_fields=None, **kwargs):
    """Read the stored name before a save that may change it (not a sign-in's save)."""
    instance._public_name_stored = None
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(PUBLIC_NAME_FIELDS)
    ):
        return
    instance._public_name_stored = (
        sender.objects.filter(pk=instance.pk).values_list(*PUBLIC_NAME_FIELDS).first()
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pages-user")
def person_saved(sender, instance, **kwargs):
    stored = getattr(instance, "_public_name_stored", None)
    if stored is not None and stored != public_name(instance):
        retire_cached_pages()


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="pages-user-deleted")
def person_deleted(sender, **kwargs):
    retire_cached_pages()
