from django.db import models
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .publication import ArticleStatus, is_published


class TopicQuerySet(models.QuerySet):
    def listed(self):
        """Topics readers can open an article from, by name: those with a published article
        whose publish time has come. Reads the stored `readable_from` only: finding them
        from the articles would read every topic link of the site on each render of the
        home page."""
        return self.filter(readable_from__lte=timezone.now()).order_by("name")

    def refresh_readable_from(self):
        """Store again, for these topics, when they have an article to read."""
        return refresh_readable_from(self)

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
    # Kept by articles.signals whenever an article's publication or topics change. An
    # article scheduled for later counts from its publish time, so the topic appears on the
    # home page when the clock passes it, with nothing written then.
    readable_from = models.DateTimeField(
        null=True,
        editable=False,
        help_text="Filled in by the site: when the first of this topic's published articles "
        "went or goes live. Empty while it has none.",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


def refresh_readable_from(topics):
    """Store again, for the topics of the queryset `topics`, the earliest publish time of
    their published articles (None without one), in one query whatever their number.

    Works on the queryset's model, so the migration that first fills it runs it on its
    historical models.
    """
    links = topics.model.articles.through.objects.filter(
        topic_id=OuterRef("pk"),
        article__status=ArticleStatus.PUBLISHED,
        article__published_at__isnull=False,
    )
    earliest = links.order_by().values("topic_id").annotate(earliest=Min("article__published_at"))
    return topics.update(readable_from=Subquery(earliest.values("earliest")))
