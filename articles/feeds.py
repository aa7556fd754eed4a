"""An Atom feed of published articles, for feed readers and anyone following new advice."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article
from .sharing import TAGLINE, content_changed_at

# Feed readers poll often; the newest articles are all they need.
FEED_LENGTH = 50


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("articles:home")
    subtitle = TAGLINE

    def title(self):
        return f"{settings.SITE_NAME}: health articles"

    def author_name(self):
        # Atom needs an author for the feed; the articles are the site's, not one person's.
        return settings.SITE_NAME

    def items(self):
        return Article.objects.published().order_by("-published_at", "-updated_at", "title")[
            :FEED_LENGTH
        ]

    def item_title(self, article):
        # Atom titles are plain text; Django's default escapes them once more for RSS.
        return article.title

    def item_description(self, article):
        # Atom summaries are marked as HTML; the standfirst is plain text.
        return escape(article.standfirst)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # The feed's own `updated` is the newest of its entries' times (Django works it out).
        return content_changed_at(article)
