"""Retire cached public pages whenever something readers can see changes."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import (
    Article,
    ArticleTreatment,
    Comment,
    PublicPagesVersion,
    Reference,
    Section,
    Topic,
    Treatment,
)

CONTENT_MODELS = (Article, Section, Treatment, ArticleTreatment, Reference, Topic, Comment)


def content_changed(sender, **kwargs):
    PublicPagesVersion.advance()


def comment_saved(sender, instance, created, **kwargs):
    # A new reader's comment waits for a moderator: nothing public changes until a decision.
    if created and instance.status != Comment.Status.APPROVED:
        return
    PublicPagesVersion.advance()


for model in CONTENT_MODELS:
    if model is not Comment:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-del-{model.__name__}")
post_save.connect(comment_saved, sender=Comment, dispatch_uid="pages-Comment")


@receiver(m2m_changed, sender=Article.topics.through, dispatch_uid="pages-topics")
@receiver(m2m_changed, sender=Article.treatments.through, dispatch_uid="pages-treatments")
@receiver(m2m_changed, sender=Article.related_articles.through, dispatch_uid="pages-related")
def links_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        PublicPagesVersion.advance()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pages-user")
def person_saved(sender, update_fields=None, **kwargs):
    """Reviewers' and replying clinicians' names are on public pages; a sign-in is not news."""
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    PublicPagesVersion.advance()


@receiver(post_save, sender=Section, dispatch_uid="search-section")
def section_saved_for_search(sender, instance, **kwargs):
    search.update_vectors(section_ids=[instance.pk])
    if instance.article.status == Article.Status.PUBLISHED:
        search.remember_words(section_ids=[instance.pk])


@receiver(post_save, sender=Article, dispatch_uid="search-article")
def article_saved_for_search(sender, instance, **kwargs):
    """The title and standfirst are in every section's search vector."""
    search.update_vectors(article_ids=[instance.pk])
    if instance.status == Article.Status.PUBLISHED:
        search.remember_words(section_ids=instance.sections.values_list("pk", flat=True))
