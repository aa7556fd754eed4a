"""Retire cached pages whenever the rule set readers see changes: the care cards, the
checker's questions and its advice. A change to a care card is also a change to every
article showing it, for the systems keeping a copy of them (`articles.models.syndication`)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.models import Article
from articles.models.syndication import mark_changed
from pagecache.pages import retire_when_changed

from .models import Advice, Question, RedFlag

retire_when_changed(RedFlag, Question, Advice)


@receiver(pre_save, sender=RedFlag, dispatch_uid="syndication-red-flag-before")
def note_red_flag_topic(sender, instance, **kwargs):
    # A red flag moved to another topic leaves the old topic's care cards too.
    instance._topic_before = (
        sender.objects.filter(pk=instance.pk).values_list("topic_id", flat=True).first()
        if instance.pk is not None
        else None
    )


@receiver(post_save, sender=RedFlag, dispatch_uid="syndication-red-flag")
@receiver(post_delete, sender=RedFlag, dispatch_uid="syndication-red-flag-gone")
def red_flag_changed(sender, instance, **kwargs):
    topics = {instance.topic_id, getattr(instance, "_topic_before", None)} - {None}
    mark_changed(Article.objects.filter(topics__in=topics).distinct())


@receiver(post_save, sender=Advice, dispatch_uid="syndication-advice")
def advice_changed(sender, instance, **kwargs):
    """Its care card heading heads the tier of its level on every card with such a sign."""
    with_the_tier = RedFlag.objects.live().filter(level=instance.disposition)
    mark_changed(Article.objects.filter(topics__red_flags__in=with_the_tier).distinct())
