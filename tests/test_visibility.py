"""Who may see an article: the public sees published ones only; staff see drafts flagged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from spasmcms.views import server_error

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_published_article_is_public(client):
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "not public" not in response.content.decode()


def test_draft_is_not_found_for_the_public(client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert article.title not in response.content.decode()


def test_future_dated_article_is_not_found_for_the_public_until_its_time(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))

    assert client.get(article.get_absolute_url()).status_code == 404
    assert article not in Article.objects.published()
    assert article.title not in client.get(reverse("articles:home")).content.decode()


def test_article_becomes_public_exactly_at_its_publish_time(client):
    article = ArticleFactory(published_at=timezone.now())

    assert client.get(article.get_absolute_url()).status_code == 200


def test_staff_see_a_draft_with_a_clear_banner(clinician_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    response = clinician_client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Draft — not public." in response.content.decode()


def test_staff_see_a_scheduled_article_with_its_publish_time(clinician_client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))

    html = clinician_client.get(article.get_absolute_url()).content.decode()

    assert "Scheduled — not public yet." in html


def test_non_staff_users_are_treated_as_the_public(client):
    client.force_login(UserFactory())
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_without_a_time_publishes_now():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)

    assert article.published_at is not None
    assert article.is_public


def test_unknown_slug_gets_the_friendly_404_page(client):
    response = client.get("/articles/no-such-article/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Go to the list of health articles" in html
    assert 'href="/static/articles/css/site.css"' in html


def test_home_hides_drafts(client):
    ArticleFactory(title="Draft article", status=Article.Status.DRAFT, published_at=None)

    assert "Draft article" not in client.get(reverse("articles:home")).content.decode()


def test_favicon_ico_leads_to_our_own_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.headers["Location"] == "/static/articles/favicon.svg"


def test_the_500_page_gives_the_help_line_numbers_from_settings(rf, settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116 117"

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "call 112 in an emergency, or 116 117 for urgent advice" in html
