from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from pagecache.pages import page_number, public_page, rendered_with

from . import sharing
from .models import Article, Topic

ARTICLES_PER_PAGE = 20


@public_page(query_parameters={"page": page_number})
def home(request):
    articles = Paginator(
        Article.objects.published().order_by("-published_at", "title"), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    rendered_with(request, page=articles.number)
    topics = Topic.objects.listed().only("name", "slug")
    site_url = request.build_absolute_uri(reverse("articles:home"))
    context = {
        "articles": articles,
        "topics": topics,
        # Page 2 and on are the same page to search engines and link previews.
        "canonical_url": site_url,
        "share_image_url": sharing.share_image_url(request),
        "structured_data": sharing.web_site(
            settings.SITE_NAME, site_url, request.build_absolute_uri(reverse("search:results"))
        ),
    }
    return render(request, "articles/home.html", context)


# `comments` pages the comment threads shown under the article.
@public_page(query_parameters={"comments": page_number})
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user).for_page(), slug=slug)
    return render_article(request, article)


# A topic with hundreds of articles is paged like the home page: one page holding them all
# would grow with the topic (a 700 kB page for 5,000 articles).
@public_page(query_parameters={"page": page_number})
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.with_published_article_count(), slug=slug)
    paginator = Paginator(
        topic.articles.published().order_by("-published_at", "title"), ARTICLES_PER_PAGE
    )
    paginator.count = topic.published_article_count  # counted with the topic, not again
    articles = paginator.get_page(request.GET.get("page"))
    rendered_with(request, page=articles.number)
    # Page 2 and on are the same page to search engines and link previews.
    canonical_url = request.build_absolute_uri(topic.get_absolute_url())
    context = {
        "topic": topic,
        "articles": articles,
        "canonical_url": canonical_url,
        "share_image_url": sharing.share_image_url(request),
        "structured_data": sharing.collection_page(
            topic.name,
            topic.description or f"Clinician-reviewed health articles on {topic.name}.",
            canonical_url,
            [
                (request.build_absolute_uri(article.get_absolute_url()), article.title)
                for article in articles
            ],
            settings.SITE_NAME,
            request.build_absolute_uri(reverse("articles:home")),
        ),
    }
    return render(request, "articles/topic_detail.html", context)


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
        "share_image_url": sharing.share_image_url(request),
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
