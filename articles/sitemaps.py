"""sitemap.xml: the public pages search engines should find, and when they last changed.

Only what an anonymous reader can open is listed: drafts, scheduled, unpublished and
archived articles never are, nor topics with nothing published to read. "Changed" is the
clinical sign-off of the content readers see (`sharing.content_changed_at`), the time the
feed and the pages' own meta give too.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.urls import reverse

from .models import Article, Topic, is_published
from .sharing import content_changed_at, newest_change


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().order_by("-published_at", "title")

    def lastmod(self, article):
        return content_changed_at(article)


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.with_published_articles().annotate(
            last_sign_off=Max(
                Coalesce("articles__signed_off_at", "articles__published_at"),
                filter=is_published(through="articles__"),
            )
        )

    def lastmod(self, topic):
        return topic.last_sign_off


class HomeSitemap(Sitemap):
    """The list of articles: it changes when a published article's content does."""

    def items(self):
        return ["articles:home"]

    def location(self, url_name):
        return reverse(url_name)

    def lastmod(self, url_name):
        return newest_change(Article.objects.published())


SITEMAPS = {"pages": HomeSitemap, "topics": TopicSitemap, "articles": ArticleSitemap}
