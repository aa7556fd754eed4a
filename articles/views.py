from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse

from pagecache.pages import public_page

from . import sharing
from .models import Article, Topic

ARTICLES_PER_PAGE = 20
SHARE_IMAGE = "articles/img/share-default.png"


@public_page(query_parameters=["page"])
def home(request):
    articles = Paginator(
        Article.objects.published().order_by("-published_at", "title"), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    topics = Topic.objects.with_published_articles()
    return render(request, "articles/home.html", {"articles": articles, "topics": topics})


# `comments` pages the comment threads shown under the article.
@public_page(query_parameters=["comments"])
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user).for_page(), slug=slug)
    return render_article(request, article)


@public_page()
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = topic.articles.published().order_by("-published_at", "title")
    return render(request, "articles/topic_detail.html", {"topic": topic, "articles": articles})


def render_article(request, article, status=200, extra_context=None):
    """The article page, for `article` fetched with `Article.objects.for_page()`.

    Other apps show the page again with their own context, e.g. a refused comment's form.
    """
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    context = {
        "article": article,
        "contents": article.table_of_contents(),
        "related_articles": article.related_for_readers(),
        "canonical_url": canonical_url,
        "share_links": sharing.share_links(canonical_url, article.title),
        "share_image_url": request.build_absolute_uri(static(SHARE_IMAGE)),
        "structured_data": sharing.medical_web_page(
            article,
            canonical_url,
            settings.SITE_NAME,
            request.build_absolute_uri(reverse("articles:home")),
        ),
    }
    return render(
        request, "articles/article_detail.html", context | (extra_context or {}), status=status
    )
