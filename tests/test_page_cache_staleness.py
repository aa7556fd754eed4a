"""How long a retired page can still be served: the version's copy, commits, the clock, renders."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from pagecache.middleware import cache_key
from pagecache.models import PublicPagesVersion

from .comment_forms import page
from .factories import ArticleFactory
from .page_cache_helpers import save, stored_page

pytestmark = pytest.mark.django_db

COMMENT_FORM = 'id="comment-form"'


# The cached copy of the public pages version


def test_an_edit_retires_the_cached_version_at_once_and_again_when_it_commits(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    assert cache.get(PublicPagesVersion.CACHE_KEY) is not None

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(article, title="Leg cramps")
        assert cache.get(PublicPagesVersion.CACHE_KEY) is None
        page(client, article)  # a reader meanwhile copies the number again
    assert callbacks

    assert cache.get(PublicPagesVersion.CACHE_KEY) is None
    assert "<h1>Leg cramps</h1>" in page(client, article)


def test_a_copy_of_the_version_that_missed_its_removal_is_believed_a_second_at_most(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    # As if the cache had been unreachable when the title changed: the copy kept the old
    # number. update() sends no signal, so the number is raised by hand, as an edit would.
    old_version = cache.get(PublicPagesVersion.CACHE_KEY)
    Article.objects.filter(pk=article.pk).update(title="Leg cramps")
    PublicPagesVersion.advance()
    cache.set(PublicPagesVersion.CACHE_KEY, old_version, PublicPagesVersion.CACHE_SECONDS)

    assert "<h1>Muscle cramps</h1>" in page(client, article)
    time.sleep(PublicPagesVersion.CACHE_SECONDS + 0.1)
    assert "<h1>Leg cramps</h1>" in page(client, article)


# The clock (a scheduled article going live: test_workflow_publishing.py)


def test_a_cached_page_loses_the_comment_form_the_moment_comments_close(
    client, settings, monkeypatch, django_assert_max_num_queries
):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    # Noon, so the moments either side of closing fall on the same day (the key has the date).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    published_at = noon - datetime.timedelta(days=1)
    article = ArticleFactory(published_at=published_at)
    closes_at = published_at + datetime.timedelta(days=30)

    monkeypatch.setattr(timezone, "now", lambda: closes_at - datetime.timedelta(seconds=1))
    assert COMMENT_FORM in page(client, article)
    with django_assert_max_num_queries(1):  # served from the cache
        assert COMMENT_FORM in page(client, article)

    monkeypatch.setattr(timezone, "now", lambda: closes_at + datetime.timedelta(seconds=1))
    html = page(client, article)

    assert COMMENT_FORM not in html
    assert "Comments are closed for this article." in html


# Many readers at the moment a page changes


def claim_render_elsewhere(article):
    """As if another reader's request were rendering the new version of the page right now."""
    request = RequestFactory().get(article.get_absolute_url())
    cache.add(f"{cache_key(request)}:rendering", 1, timeout=10)


def test_while_one_request_renders_a_changed_page_others_get_the_previous_copy(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.title = "Leg cramps"
    article.save()
    claim_render_elsewhere(article)

    with django_assert_max_num_queries(1):  # no render: the copy from a moment ago
        during = page(client, article)
    cache.delete(f"{cache_key(RequestFactory().get(article.get_absolute_url()))}:rendering")
    after = page(client, article)

    assert "<h1>Muscle cramps</h1>" in during
    assert "<h1>Leg cramps</h1>" in after


def test_the_render_after_a_change_is_stored_for_everyone_and_its_claim_released(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.title = "Leg cramps"
    article.save()

    page(client, article)  # this reader renders the new version

    stored = stored_page(article)
    assert stored["version"] == PublicPagesVersion.current()
    assert b"<h1>Leg cramps</h1>" in stored["bodies"]["identity"]
    request = RequestFactory().get(article.get_absolute_url())
    assert cache.get(f"{cache_key(request)}:rendering") is None


def test_an_unpublished_page_is_never_served_from_its_previous_copy(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.status = Article.Status.UNPUBLISHED
    article.save()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert stored_page(article) is None
    claim_render_elsewhere(article)  # even while another request holds the render claim
    assert client.get(article.get_absolute_url()).status_code == 404
