from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import antispam, notifications, sharing
from .forms import CommentForm, SearchForm
from .models import Article, Comment, Topic
from .page_cache import public_page

ARTICLES_PER_PAGE = 20
SHARE_IMAGE = "articles/img/share-default.png"
COMMENT_THANKS = "Thank you — your comment will appear once a moderator has approved it."
TOO_MANY_COMMENTS = (
    "You have sent several comments in a short time, so we could not accept this one yet. "
    "Your text is still below: please wait a few minutes and send it again."
)


@public_page(query_parameters=["page"])
def home(request):
    articles = Paginator(
        Article.objects.published().order_by("-published_at", "title"), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    topics = Topic.objects.with_published_articles()
    return render(request, "articles/home.html", {"articles": articles, "topics": topics})


@public_page(query_parameters=["comments"])
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user).for_page(), slug=slug)
    return render_article(request, article, CommentForm())


@public_page()
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = topic.articles.published().order_by("-published_at", "title")
    return render(request, "articles/topic_detail.html", {"topic": topic, "articles": articles})


def search(request):
    form = SearchForm(request.GET)
    return render(request, "articles/search.html", {"form": form, "outcome": form.outcome()})


@require_POST
def post_comment(request, slug):
    """Store a reader's comment as pending (or spam), then post/redirect/get.

    Whatever goes wrong, the article comes back with the reader's text intact and the
    reason next to it.
    """
    article = get_object_or_404(Article.objects.published().for_page(), slug=slug)
    if not article.comments_are_open:
        return render_article(request, article, None, status=403)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_article(request, article, form)
    if antispam.comment_rate_exceeded(request):
        form.add_error(None, TOO_MANY_COMMENTS)
        return render_article(request, article, form, status=429)

    comment = form.save(commit=False)
    comment.article = article
    comment.spam_reason = Comment.spam_reason_for(f"{comment.display_name}\n{comment.body}")
    comment.status = Comment.Status.SPAM if comment.spam_reason else Comment.Status.PENDING
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.PENDING:
            notifications.tell_moderators_a_comment_waits(comment, request)
    messages.success(request, COMMENT_THANKS)
    return redirect(f"{article.get_absolute_url()}#comments")


@require_POST
def report_comment(request, pk):
    # Readers report readers' comments; clinicians' replies are answered by moderators.
    reportable = Comment.objects.visible().filter(
        author__isnull=True, article__in=Article.objects.published()
    )
    comment = get_object_or_404(reportable, pk=pk)
    if antispam.first_report_from_client(request, comment):
        comment.report()
    messages.success(request, "Thank you for telling us. A moderator will check this comment.")
    return redirect(f"{comment.article.get_absolute_url()}#comments")


def render_article(request, article, comment_form, status=200):
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    threads = Paginator(
        Comment.objects.filter(article=article).threads_for_page(), settings.COMMENTS_PER_PAGE
    )
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "contents": article.table_of_contents(),
            "related_articles": article.related_for_readers(),
            "comment_form": comment_form if article.comments_are_open else None,
            "comments_page": threads.get_page(request.GET.get("comments")),
            "canonical_url": canonical_url,
            "share_links": sharing.share_links(canonical_url, article.title),
            "share_image_url": request.build_absolute_uri(static(SHARE_IMAGE)),
            "structured_data": sharing.medical_web_page(
                article,
                canonical_url,
                settings.SITE_NAME,
                request.build_absolute_uri(reverse("articles:home")),
            ),
        },
        status=status,
    )
