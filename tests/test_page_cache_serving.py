"""Anonymous readers served from the page cache: hits, 304s, headers, forms on cached pages."""

import os
import re
import time
from unittest import mock

import pytest
import redis
from django.core.cache import cache, caches
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article
from comments.models import Comment
from comments.views import COMMENT_THANKS
from pagecache.middleware import cache_key
from pagecache.models import PublicPagesVersion

from .comment_forms import comment_data, page, post_comment
from .factories import ArticleFactory, CommentFactory, SectionFactory, TopicFactory
from .page_cache_helpers import home, save, stored_page

pytestmark = pytest.mark.django_db

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
    assert second == first


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

    assert second == first
    backend = project_redis_cache._cache
    assert backend.get_client() is backend.get_client(write=True)


# Revalidation


def test_a_cached_page_has_a_weak_etag_and_answers_304_until_it_changes(client):
    article = ArticleFactory(title="Muscle cramps")
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert re.fullmatch(r'W/"[0-9a-f]+"', etag)
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=0"
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


def test_a_page_from_the_cache_has_the_headers_of_a_fresh_render_and_no_cookie(settings):
    article = ArticleFactory()
    cache_seconds = settings.PAGE_CACHE_SECONDS
    settings.PAGE_CACHE_SECONDS = 0  # the view's own response, with no page cache at all
    fresh = Client().get(article.get_absolute_url())
    settings.PAGE_CACHE_SECONDS = cache_seconds
    Client().get(article.get_absolute_url())
    cached = Client().get(article.get_absolute_url())  # answered before sessions and CSRF

    assert stored_page(article) is not None
    for header in ("Content-Type", "X-Frame-Options", "Vary", "Content-Security-Policy"):
        assert cached[header] == fresh[header], header
    assert "Accept-Encoding" in cached["Vary"]
    assert cached["Content-Length"] == str(len(cached.content))
    assert not fresh.cookies
    assert not cached.cookies


def test_a_shared_cache_in_front_may_keep_an_anonymous_page_as_long_as_the_setting_says(
    client, settings
):
    settings.PAGE_CACHE_SHARED_SECONDS = 30
    article = ArticleFactory()

    for response in (
        client.get(article.get_absolute_url()),
        client.get(article.get_absolute_url()),
    ):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=30"


def test_staff_pages_and_answers_to_a_post_are_never_kept_by_a_shared_cache(
    clinician_client, settings
):
    settings.PAGE_CACHE_SHARED_SECONDS = 30
    article = ArticleFactory()

    staff_view = clinician_client.get(article.get_absolute_url())
    posted = Client().post(reverse("comments:post", args=[article.slug]), comment_data())

    assert "private" in staff_view["Cache-Control"]
    assert "public" not in staff_view["Cache-Control"]
    assert "private" in posted["Cache-Control"]
    assert "public" not in posted["Cache-Control"]


def test_the_page_thanking_a_reader_for_a_comment_is_never_kept_by_a_shared_cache(settings):
    settings.PAGE_CACHE_SHARED_SECONDS = 30
    settings.COMMENTS_MIN_SECONDS = 0
    article = ArticleFactory()
    reader = Client()

    reader.post(reverse("comments:post", args=[article.slug]), comment_data())
    thanked = reader.get(article.get_absolute_url())

    assert "messages" in reader.cookies
    assert "private" in thanked["Cache-Control"]
    assert "public" not in thanked["Cache-Control"]


def test_a_request_for_another_host_is_refused_before_the_cache(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


# Forms on cached pages: the same bytes for every reader, guarded by where they are sent from


@pytest.mark.parametrize(
    "address",
    [
        lambda: ArticleFactory(title="Muscle cramps").get_absolute_url(),
        lambda: reverse("articles:home"),
        lambda: reverse("articles:topic", args=[TopicFactory().slug]),
        lambda: reverse("triage:checker"),
    ],
    ids=["article", "home", "topic", "checker"],
)
def test_every_anonymous_reader_gets_the_same_bytes(address):
    url = address()
    if "/articles/" in url:
        CommentFactory(article=Article.objects.get(), approved=True)  # with its report form
    first, second = Client().get(url), Client().get(url)  # the first one renders

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert not first.cookies and not second.cookies
    assert b"csrfmiddlewaretoken" not in first.content


def test_a_comment_from_a_cached_page_is_taken_without_a_token():
    article = ArticleFactory()
    page(Client(), article)  # cached by someone else's visit
    reader = Client(enforce_csrf_checks=True)
    html = page(reader, article)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)

    with mock.patch("time.time", return_value=time.time() + 10):  # written for a while
        response = post_comment(
            reader,
            article,
            comment_data(started=started),
            headers={"sec-fetch-site": "same-origin"},
        )

    assert response.status_code == 302
    assert Comment.objects.get().body == comment_data()["body"]


def test_the_form_stamp_is_the_time_the_page_was_rendered():
    """The "too fast" check counts from the page's render, which every reader of the cached
    copy shares: a per-reader stamp could be fetched and kept by a bot just the same."""
    article = ArticleFactory()
    reader = Client()
    started = re.search(r'name="started" value="([^"]+)"', page(reader, article)).group(1)

    too_fast = post_comment(reader, article, comment_data(started=started))
    again = re.search(r'name="started" value="([^"]+)"', page(Client(), article)).group(1)

    assert too_fast.status_code == 200
    assert "That was very quick." in too_fast.content.decode()
    assert not Comment.objects.exists()
    assert again == started  # the cached page's own stamp, not a new one


def test_no_copy_of_a_page_outlives_the_cache_time_so_its_stamp_stays_fresh(settings):
    """The process's own copy lapses with the shared one: a page kept for days would carry
    a stamp the comment form refuses as too old."""
    settings.PAGE_CACHE_SECONDS = 1
    article = ArticleFactory()
    stamp = re.compile(r'name="started" value="([^"]+)"')
    first = stamp.search(page(Client(), article)).group(1)

    time.sleep(1.1)
    later = stamp.search(page(Client(), article)).group(1)

    assert later != first


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
