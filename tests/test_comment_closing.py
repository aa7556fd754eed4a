"""Where comments are closed: by the article's switch, by age, and on unpublished articles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

from .comment_forms import comment_bodies, page, post_comment
from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_closed_article_says_so_and_has_no_form(client):
    article = ArticleFactory(comments_open=False)
    CommentFactory(article=article, body="Earlier comment", approved=True)

    html = page(client, article)

    assert "Comments are closed for this article." in html
    assert 'name="body"' not in html
    assert comment_bodies(html) == ["<p>Earlier comment</p>"]


def test_posting_to_a_closed_article_is_refused(client):
    article = ArticleFactory(comments_open=False)

    response = post_comment(client, article)

    assert response.status_code == 403
    assert "Comments are closed for this article." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("days_ago", "open_"), [(1, True), (364, True), (366, False)])
def test_comments_close_by_themselves_after_a_set_number_of_days(client, settings, days_ago, open_):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 365
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=days_ago))

    html = page(client, article)
    response = post_comment(client, article)

    assert ("Comments are closed for this article." in html) is not open_
    assert ('name="body"' in html) is open_
    assert response.status_code == (302 if open_ else 403)
    assert Comment.objects.exists() is open_


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_comments_on_unpublished_articles_are_404(client, kind):
    if kind == "draft":
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    else:
        article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))

    response = post_comment(client, article)

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_posting_needs_a_post(client, article):
    response = client.get(reverse("comments:post", args=[article.slug]))

    assert response.status_code == 405
