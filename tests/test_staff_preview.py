"""Staff preview articles readers cannot see yet, under a banner; nobody else sees them."""

import functools

import pytest
from django.urls import reverse

from articles.models import Article

from .factories import ArticleFactory, EditorFactory, UserFactory, signed_in_as

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.UNPUBLISHED,
    Article.Status.ARCHIVED,
]


@pytest.fixture
def login(client):
    """Sign a new staff member of a role in: login("Editor") returns the client."""
    return functools.partial(signed_in_as, client)


@pytest.mark.parametrize("role", ["Clinician", "Editor", "Moderator"])
@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED]
)
def test_any_staff_member_previews_an_unpublished_article_with_a_banner(login, role, status):
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)
    client = login(role)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hidden one" in html
    assert f"{Article.Status(status).label} — not public." in html
    assert "Only signed-in staff can see this page." in html


def test_staff_see_no_banner_on_a_public_article(login):
    article = ArticleFactory()
    client = login("Editor")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "not public" not in html


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_the_public_never_sees_an_article_that_is_not_published(client, status):
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Hidden one" not in response.content.decode()
    assert "Hidden one" not in client.get(reverse("articles:home")).content.decode()


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_signed_in_readers_who_are_not_staff_never_see_a_preview(client, status):
    client.force_login(UserFactory())
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "not public" not in response.content.decode()


def test_a_former_staff_member_loses_the_preview(client):
    editor = EditorFactory()
    client.force_login(editor)
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(article.get_absolute_url()).status_code == 200

    editor.is_staff = False
    editor.save()

    assert client.get(article.get_absolute_url()).status_code == 404
