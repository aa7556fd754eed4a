"""sitemap.xml: the public pages search engines should find, and when they last changed.

Only what an anonymous reader can open is listed: drafts, scheduled, unpublished and
archived articles never are, nor topics with nothing published to read.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Topic


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().order_by("-published_at", "title")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.with_published_articles()

    def lastmod(self, topic):
        return topic.last_article_update


class FixedPageSitemap(Sitemap):
    """Pages that always exist: the list of articles and the symptom checker."""

    def items(self):
        return ["articles:home", "triage:checker"]

    def location(self, url_name):
        return reverse(url_name)


SITEMAPS = {"pages": FixedPageSitemap, "topics": TopicSitemap, "articles": ArticleSitemap}
