"""Keep what readers see in step with the articles: retire cached public pages whenever
something readers can see changes, and work out again, in the same transaction, what is
stored for the pages to read: the "Related articles" lists a change can move (see
models/related.py) and when each topic has an article to read (`Topic.readable_from`)."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from pagecache.pages import retire_cached_pages, retire_when_changed

from .models import (
    Article,
    ArticleStatus,
    ArticleTreatment,
    Reference,
    RelatedReading,
    Section,
    Topic,
    Treatment,
    syndication,
)
from .models.related import pages_to_refresh

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


# Related reading: what of an article ranks it in other articles' lists. Its first two
# are also what `Topic.readable_from` is worked out from.
RANKED_BY = ("status", "published_at", "title")


def in_step_with_the_change(store_again):
    """Run `store_again`, which writes what pages read (related lists, page parts), in the
    transaction of the change.

    Cached pages are retired first (what is stored is on them), which also takes the public
    pages version's row until the change commits: two changes never store overlapping
    copies side by side, so neither writes from what the other is replacing.
    """
    with transaction.atomic():
        retire_cached_pages()
        store_again()


def work_out_again(pages):
    """Work out these articles' "Related articles" lists again."""
    in_step_with_the_change(pages.refresh_related_reading)


def refresh_lists_around(article_ids, topic_ids):
    """Work out the lists a change to these articles' links to these topics can change: only
    their own while none of them is published, as no other list can hold them."""
    if Article.objects.filter(pk__in=article_ids, status=ArticleStatus.PUBLISHED).exists():
        work_out_again(pages_to_refresh(Article, article_ids, topic_ids))
    else:
        work_out_again(Article.objects.filter(pk__in=article_ids))


@receiver(pre_save, sender=Article, dispatch_uid="related-reading-article-before")
def note_ranking(sender, instance, **kwargs):
    """Read what ranks the stored article before a save that may change it."""
    instance._ranked_as = None
    if instance.pk is not None:
        instance._ranked_as = sender.objects.filter(pk=instance.pk).values_list(*RANKED_BY).first()


@receiver(post_save, sender=Article, dispatch_uid="related-reading-article")
def ranking_changed(sender, instance, created, **kwargs):
    # A new article has no topics and no one has picked it yet: its links bring it in.
    before = getattr(instance, "_ranked_as", None)
    if created or before is None or before == tuple(getattr(instance, f) for f in RANKED_BY):
        return
    if ArticleStatus.PUBLISHED in (before[0], instance.status):  # listed before or after
        topics = Article.topics.through.objects.filter(article_id=instance.pk)
        work_out_again(pages_to_refresh(Article, [instance.pk], topics.values("topic_id")))


@receiver(m2m_changed, sender=Article.topics.through, dispatch_uid="related-reading-topics")
def topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        # Which links a clear removes is known only before it runs.
        linked = instance.articles if reverse else instance.topics
        instance._links_cleared = list(linked.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    linked = instance._links_cleared if action == "post_clear" else list(pk_set)
    if reverse:  # topic.articles.add(...)
        refresh_lists_around(linked, [instance.pk])
        Topic.objects.filter(pk=instance.pk).refresh_readable_from()
    else:
        refresh_lists_around([instance.pk], linked)
        Topic.objects.filter(pk__in=linked).refresh_readable_from()


@receiver(post_save, sender=Article, dispatch_uid="topics-readable-article")
def publication_changed(sender, instance, created, **kwargs):
    """An article published, unpublished or moved in time can change when its topics have
    something to read. (A new article has no topics yet: linking them does it.)"""
    before = getattr(instance, "_ranked_as", None)
    now = (instance.status, instance.published_at)
    if created or before is None or before[:2] == now:
        return
    Topic.objects.filter(articles=instance).refresh_readable_from()


@receiver(pre_delete, sender=Article, dispatch_uid="topics-readable-article-going")
def note_topics_of(sender, instance, **kwargs):
    # Deleting an article removes its topic links with no m2m_changed signal.
    instance._topics_before = list(instance.topics.values_list("pk", flat=True))


@receiver(post_delete, sender=Article, dispatch_uid="topics-readable-article-gone")
def topics_lose(sender, instance, **kwargs):
    Topic.objects.filter(pk__in=instance._topics_before).refresh_readable_from()


@receiver(
    m2m_changed, sender=Article.related_articles.through, dispatch_uid="related-reading-picks"
)
def picks_changed(sender, instance, action, **kwargs):
    # Picks have no reverse accessor: the picking article is always `instance`.
    if action in ("post_add", "post_remove", "post_clear"):
        work_out_again(Article.objects.filter(pk=instance.pk))


@receiver(pre_delete, sender=Article, dispatch_uid="related-reading-article-going")
def note_lists_holding(sender, instance, **kwargs):
    instance._listed_by = list(
        RelatedReading.objects.filter(related=instance).values_list("article_id", flat=True)
    )


@receiver(post_delete, sender=Article, dispatch_uid="related-reading-article-gone")
def fill_lists_that_held(sender, instance, **kwargs):
    """The lists that held a deleted article are one short: the next in rank takes its place."""
    if instance._listed_by:
        work_out_again(Article.objects.filter(pk__in=instance._listed_by))


@receiver(pre_delete, sender=Topic, dispatch_uid="related-reading-topic-going")
def note_topic_articles(sender, instance, **kwargs):
    # Deleting a topic removes its links with no m2m_changed signal.
    instance._articles_before = list(instance.articles.values_list("pk", flat=True))


@receiver(post_delete, sender=Topic, dispatch_uid="related-reading-topic-gone")
def topic_deleted(sender, instance, **kwargs):
    refresh_lists_around(instance._articles_before, [])


# Stored page parts (models/page_parts.py): whatever changes an article's topics, sections,
# treatments or references stores its copy again, in the transaction of the change. Every
# change reads the whole of what is stored, so however a save or restore orders its
# writes, the last of them leaves the copy right.


def store_parts_again(article_ids):
    """Store these articles' copies of their page parts again."""
    in_step_with_the_change(Article.objects.filter(pk__in=article_ids).refresh_page_parts)


@receiver(post_save, sender=Article, dispatch_uid="page-parts-article")
def article_saved_parts(sender, instance, created, **kwargs):
    # Its own row holds no part, but a history restore or a draft going live writes the
    # parts around it: storing once more after the article is cheap and always right. A
    # new article has none yet: it is read with the queries until its first part is saved.
    if not created:
        store_parts_again([instance.pk])


@receiver(post_save, sender=Section, dispatch_uid="page-parts-section")
@receiver(post_delete, sender=Section, dispatch_uid="page-parts-section-gone")
@receiver(post_save, sender=Reference, dispatch_uid="page-parts-reference")
@receiver(post_delete, sender=Reference, dispatch_uid="page-parts-reference-gone")
@receiver(post_save, sender=ArticleTreatment, dispatch_uid="page-parts-treatment-link")
@receiver(post_delete, sender=ArticleTreatment, dispatch_uid="page-parts-treatment-link-gone")
def part_changed(sender, instance, origin=None, **kwargs):
    # Nothing to store for an article being deleted: its copy goes with it.
    if not deleting_articles(origin):
        store_parts_again([instance.article_id])


def deleting_articles(origin):
    """Whether a delete began with articles (whose parts go with them)."""
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


@receiver(post_save, sender=Treatment, dispatch_uid="page-parts-treatment")
def treatment_changed(sender, instance, **kwargs):
    """A treatment is shown on every article linked to it."""
    store_parts_again(instance.articles.values("pk"))


# What an article's page shows of a topic.
TOPIC_ON_PAGE = ("name", "slug")


@receiver(pre_save, sender=Topic, dispatch_uid="page-parts-topic-before")
def note_topic_as_shown(sender, instance, **kwargs):
    instance._shown_as = None
    if instance.pk is not None:
        instance._shown_as = (
            sender.objects.filter(pk=instance.pk).values_list(*TOPIC_ON_PAGE).first()
        )


@receiver(post_save, sender=Topic, dispatch_uid="page-parts-topic")
def topic_saved(sender, instance, **kwargs):
    """A renamed topic is shown on every article linked to it; its description on none.
    Whatever the save wrote over, when it has an article to read is worked out again (a
    restored old version of the topic holds an old one)."""
    Topic.objects.filter(pk=instance.pk).refresh_readable_from()
    shown_as = getattr(instance, "_shown_as", None)
    if shown_as is not None and shown_as != tuple(getattr(instance, f) for f in TOPIC_ON_PAGE):
        store_parts_again(instance.articles.values("pk"))


@receiver(post_delete, sender=Topic, dispatch_uid="page-parts-topic-gone")
def topic_gone_parts(sender, instance, **kwargs):
    # Its links went with no signal; their articles were noted before (note_topic_articles).
    store_parts_again(instance._articles_before)


@receiver(m2m_changed, sender=Article.topics.through, dispatch_uid="page-parts-topics")
@receiver(m2m_changed, sender=Article.treatments.through, dispatch_uid="page-parts-treatments")
def parts_linked(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._parts_cleared = list(instance.articles.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # article.topics.add(...)
        store_parts_again([instance.pk])
    elif action == "post_clear":
        store_parts_again(instance._parts_cleared)
    else:  # topic.articles.add(...)
        store_parts_again(pk_set)


# Systems keeping a copy of a public article are told when it is taken down (see
# models/syndication.py): whether it was public is read before the save or delete changes it.


@receiver(pre_save, sender=Article, dispatch_uid="syndication-article-before")
@receiver(pre_delete, sender=Article, dispatch_uid="syndication-article-going")
def note_if_public(sender, instance, **kwargs):
    instance._was_public = instance.draft_of_id is None and syndication.was_public(instance)


@receiver(post_save, sender=Section, dispatch_uid="syndication-section")
@receiver(post_delete, sender=Section, dispatch_uid="syndication-section-gone")
def section_changed(sender, instance, origin=None, **kwargs):
    """A section's Markdown is not in the stored parts (its HTML is), and another system
    is given both: an edit to the Markdown alone is a change too."""
    if not deleting_articles(origin):
        syndication.mark_changed(Article.objects.filter(pk=instance.article_id))


@receiver(post_save, sender=Article, dispatch_uid="syndication-article")
def article_saved_syndication(sender, instance, **kwargs):
    syndication.note_saved(instance, instance._was_public)


@receiver(post_delete, sender=Article, dispatch_uid="syndication-article-gone")
def article_deleted_syndication(sender, instance, **kwargs):
    syndication.note_deleted(instance, instance._was_public)
