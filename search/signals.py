"""Keep the stored search vectors and the typo vocabulary in step with the articles."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article, Section

from . import index


@receiver(post_save, sender=Section, dispatch_uid="search-section")
def section_saved(sender, instance, **kwargs):
    index.update_vectors(section_ids=[instance.pk])
    if instance.article.status == Article.Status.PUBLISHED:
        index.remember_words(section_ids=[instance.pk])


@receiver(post_save, sender=Article, dispatch_uid="search-article")
def article_saved(sender, instance, **kwargs):
    """The title and standfirst are in every section's search vector."""
    index.update_vectors(article_ids=[instance.pk])
    if instance.status == Article.Status.PUBLISHED:
        index.remember_words(section_ids=instance.sections.values_list("pk", flat=True))
