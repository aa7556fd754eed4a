"""Anonymous readers served from the page cache: hits, 304s, headers, per-reader form fields."""

import os
import re
import time
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article
from comments.models import Comment
from comments.views import COMMENT_THANKS
from pagecache.middleware import cache_key, placeholder
from pagecache.models import PublicPagesVersion

from .comment_forms import comment_data, page, post_comment
from .factories import ArticleFactory, CommentFactory, SectionFactory
from .page_cache_helpers import home, save, stored_page

pytestmark = pytest.mark.django_db

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
PER_READER_FIELD = re.compile(r'name="(csrfmiddlewaretoken|started)" value="[^"]*"')


def without_tokens(html):
    """The page without what is made afresh for each reader (CSRF token, form start time)."""
    return PER_READER_FIELD.sub(r'name="\1" value=""', html)


# Served from the cache


def test_a_second_anonymous_view_of_an_article_costs_one_query(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    SectionFactory(article=article, heading="What helps")
    CommentFactory(article=article, body="Stretching helped me.", approved=True)
    first = page(client, article)

    with django_assert_max_num_queries(1):  # the public pages version, nothing else
        second = page(client, article)

    assert "<h1>Muscle cramps</h1>" in second
    assert "What helps" in second
    assert "Stretching helped me." in second
    assert without_tokens(second) == without_tokens(first)


def test_a_second_anonymous_view_of_the_home_page_costs_one_query(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    ArticleFactory(title="Restless legs")
    first = home(client)
    # update() sends no signal: only a page from the cache still has the old title.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    with django_assert_max_num_queries(1):
        second = home(client)

    assert "Muscle cramps" in second
    assert "Muscle cramps at night" not in second
    assert "Restless legs" in second
    assert second == first


def test_a_head_request_caches_the_whole_page_for_the_next_get(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")

    head = client.head(article.get_absolute_url())

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"]
    with django_assert_max_num_queries(1):
        assert "<h1>Muscle cramps</h1>" in page(client, article)


def test_each_page_of_comments_is_cached_on_its_own(
    client, settings, django_assert_max_num_queries
):
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory()
    for body in ["Oldest comment.", "Middle comment.", "Newest comment."]:
        CommentFactory(article=article, body=body, approved=True)
    page(client, article)
    page(client, article, "?comments=2")

    with django_assert_max_num_queries(1):
        first = page(client, article)
    with django_assert_max_num_queries(1):
        second = page(client, article, "?comments=2")

    assert "Oldest comment." in first
    assert "Newest comment." not in first
    assert "Newest comment." in second
    assert "Oldest comment." not in second


def test_a_post_is_never_answered_from_the_cache(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    # update() sends no signal, so the cached page stays: only a fresh render shows this.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    posted = client.post(article.get_absolute_url())

    assert "<h1>Muscle cramps at night</h1>" in posted.content.decode()
    assert "<h1>Muscle cramps</h1>" in page(client, article)


def test_a_page_cache_time_of_zero_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    assert "<h1>Muscle cramps at night</h1>" in page(client, article)


def test_a_page_from_the_cache_costs_no_query_while_the_cache_holds_the_version(
    client, django_assert_num_queries
):
    article = ArticleFactory()
    page(client, article)

    with django_assert_num_queries(0):
        page(client, article)


@pytest.fixture
def project_redis_cache(settings):
    """The project's own Redis backend on a real Redis (database 15, emptied around the test)."""
    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1, but Redis does not answer at {location}.")
        pytest.skip(f"Redis does not answer at {location}.")
    settings.CACHES = {"default": {"BACKEND": "spasmcms.cache.RedisCache", "LOCATION": location}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_pages_are_served_from_redis_through_one_reused_client(
    client, project_redis_cache, django_assert_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    first = page(client, article)

    with django_assert_num_queries(0):
        second = page(client, article)

    assert without_tokens(second) == without_tokens(first)
    backend = project_redis_cache._cache
    assert backend.get_client() is backend.get_client(write=True)


# Revalidation


def test_a_cached_page_has_a_weak_etag_and_answers_304_until_it_changes(client):
    article = ArticleFactory(title="Muscle cramps")
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert re.fullmatch(r'W/"[0-9a-f]+"', etag)
    assert {"private", "no-cache"} <= {part.strip() for part in first["Cache-Control"].split(",")}
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    save(article, title="Muscle cramps at night")
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "<h1>Muscle cramps at night</h1>" in changed.content.decode()


def test_a_browser_holding_the_page_gets_a_304_even_when_the_render_is_new(client):
    article = ArticleFactory(title="Muscle cramps")
    etag = client.get(article.get_absolute_url())["ETag"]
    unrelated = ArticleFactory(title="Sciatica")
    save(unrelated, title="Sciatica: leg pain")  # a new version: every page renders again

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert stored_page(article)["version"] == PublicPagesVersion.current()
    assert again.status_code == 304


def test_a_page_from_the_cache_has_the_headers_and_cookie_of_a_fresh_render(client):
    article = ArticleFactory()
    fresh = Client().get(article.get_absolute_url())
    cached = Client().get(article.get_absolute_url())  # answered before sessions and CSRF

    assert stored_page(article) is not None
    for header in ("Content-Type", "X-Frame-Options", "Vary", "Content-Security-Policy"):
        assert cached[header] == fresh[header], header
    assert cached["Content-Length"] == str(len(cached.content))
    assert cached.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert cached.cookies[django_settings.CSRF_COOKIE_NAME]["httponly"]


def test_a_request_for_another_host_is_refused_before_the_cache(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


# Forms on cached pages


def test_a_reader_with_a_csrf_cookie_keeps_it_on_a_cached_page():
    article = ArticleFactory()
    page(Client(), article)  # cached by someone else's visit
    reader = Client(enforce_csrf_checks=True)
    page(reader, article)
    secret = reader.cookies[django_settings.CSRF_COOKIE_NAME].value

    token = CSRF_TOKEN.search(page(reader, article)).group(1)
    response = post_comment(reader, article, comment_data(csrfmiddlewaretoken=token))

    assert reader.cookies[django_settings.CSRF_COOKIE_NAME].value == secret
    assert response.status_code == 302


def test_two_readers_of_a_cached_page_each_get_a_working_csrf_token():
    article = ArticleFactory()
    readers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    tokens = [CSRF_TOKEN.search(page(reader, article)).group(1) for reader in readers]

    responses = [
        post_comment(reader, article, comment_data(body=body, csrfmiddlewaretoken=token))
        for reader, token, body in zip(
            readers, tokens, ["First reader.", "Second reader."], strict=True
        )
    ]

    assert tokens[0] != tokens[1]
    assert [response.status_code for response in responses] == [302, 302]
    assert set(Comment.objects.values_list("body", flat=True)) == {
        "First reader.",
        "Second reader.",
    }


def test_the_cached_page_holds_a_placeholder_not_the_first_readers_token(client):
    article = ArticleFactory()
    CommentFactory(article=article, approved=True)  # its report form carries a token too
    html = page(client, article)  # and the comment form, and "Was this page helpful?"
    token = CSRF_TOKEN.search(html).group(1)
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value

    stored = stored_page(article)

    assert html.count('name="csrfmiddlewaretoken"') == 3
    assert stored["html"].count(placeholder("csrfmiddlewaretoken")) == 3
    assert token not in stored["html"]
    assert secret not in stored["html"]


def test_a_comment_sent_straight_after_loading_a_cached_page_is_still_too_fast():
    article = ArticleFactory()
    half_a_minute_ago = time.time() - 30
    with mock.patch("time.time", return_value=half_a_minute_ago):
        page(Client(), article)  # someone else's visit cached the page then
    reader = Client()
    started = re.search(r'name="started" value="([^"]+)"', page(reader, article)).group(1)

    response = post_comment(reader, article, comment_data(started=started))

    assert response.status_code == 200
    assert "That was very quick." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_thank_you_is_shown_to_the_commenter_and_to_nobody_else():
    article = ArticleFactory(title="Muscle cramps")
    page(Client(), article)  # cached before the comment
    commenter = Client()

    response = commenter.post(
        reverse("comments:post", args=[article.slug]), comment_data(), follow=True
    )

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments", 302)]
    assert escape(COMMENT_THANKS) in response.content.decode()
    later = page(Client(), article)
    assert "<h1>Muscle cramps</h1>" in later
    assert escape(COMMENT_THANKS) not in later


# Who is served from the cache


def test_signed_in_staff_get_a_fresh_page_while_anonymous_readers_get_the_cached_one(
    clinician_client,
):
    reader = Client()
    article = ArticleFactory(title="Muscle cramps")
    page(reader, article)
    # update() sends no signal: the cached page is not retired.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    assert "<h1>Muscle cramps</h1>" in page(reader, article)
    assert "<h1>Muscle cramps at night</h1>" in page(clinician_client, article)


def test_a_staff_preview_of_a_draft_never_reaches_anonymous_readers(clinician_client):
    draft = ArticleFactory(title="Unchecked advice", status=Article.Status.DRAFT)

    preview = page(clinician_client, draft)

    assert "<h1>Unchecked advice</h1>" in preview
    assert "Draft — not public." in preview
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert stored_page(draft) is None


def test_an_address_that_is_not_a_public_page_is_never_stored(client):
    ArticleFactory(title="Muscle cramps")
    response = client.get(reverse("search:results"), {"q": "cramps"})

    assert response.status_code == 200
    request = RequestFactory().get(reverse("search:results"), {"q": "cramps"})
    assert cache.get(cache_key(request)) is None
