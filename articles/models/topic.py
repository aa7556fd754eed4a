from django.db import models
from django.db.models import Count, Max
from django.urls import reverse

from .publication import is_published


class TopicQuerySet(models.QuerySet):
    def with_published_articles(self):
        """Topics with a published article, each with its newest published article's update
        time (`last_article_update`): one query for them all, never one per topic."""
        published = is_published(through="articles__")
        return (
            self.annotate(last_article_update=Max("articles__updated_at", filter=published))
            .filter(last_article_update__isnull=False)
            .order_by("name")
        )

    def with_published_article_count(self):
        """Each topic with how many published articles it has (`published_article_count`),
        in the same query: its page is paged by that count without asking for it apart."""
        published = is_published(through="articles__")
        return self.annotate(published_article_count=Count("articles", filter=published))


class Topic(models.Model):
    name = models.CharField(max_length=100, help_text="The topic as readers would say it.")
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Part of the web address. Filled in from the name."
    )
    description = models.TextField(blank=True, help_text="One sentence on what the topic covers.")

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})
