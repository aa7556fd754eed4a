"""Made-up addresses cannot fill the page cache.

Only the query parameters a public page understands make its cache key, normalised (a
page number that is not a plain one is the first page), and a page number past the last is
stored as the last page, which is what the reader is shown. Counted in local memory and in
a real Redis: a full page is tens of kilobytes, so every key an outsider can add costs.
"""

import os
import uuid

import pytest
import redis
from django.core.cache import cache, caches

from articles import views as article_views
from comments.models import Comment
from pagecache.middleware import cache_key
from pagecache.models import PublicPagesVersion
from pagecache.pages import public_page

from .comment_forms import comment_bodies, page
from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"

MADE_UP_QUERIES = [
    *(f"?comments=x{number}" for number in range(1, 301)),
    "?comments=0007",
    f"?comments={10**30}",
    "?comments=0",
    "?comments=-1",
    "?comments=",
    "?comments=2.0",
    "?comments=%EF%BC%92",  # a full-width 2, which int() reads as 2
    "?comments=500",  # past the last page: the view shows the last
    "?comments=3&comments=x",
    "?utm_source=newsletter",
    "?comments=2&fbclid=abc",
    "?page=2",  # the home page's parameter, not the article's
]


class CacheKeys:
    """The default cache on a backend of the test's own, and the keys it holds."""

    def __init__(self, settings, backend):
        self.prefix = f"bounded-keys-{uuid.uuid4().hex}"
        self.backend = backend
        if backend == "redis":
            self.redis = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
            try:
                self.redis.ping()
            except redis.RedisError:
                if os.environ.get("REQUIRE_REDIS") == "1":
                    pytest.fail(f"REQUIRE_REDIS=1, but Redis does not answer at {REDIS_URL}.")
                pytest.skip(f"Redis does not answer at {REDIS_URL}.")
            backend_settings = {
                "BACKEND": "spasmcms.cache.RedisCache",
                "LOCATION": REDIS_URL,
                # Keys of this test only, whatever else shares the database.
                "KEY_PREFIX": self.prefix,
            }
        else:
            backend_settings = {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": self.prefix,
            }
        settings.CACHES = {"default": backend_settings}

    def stored(self):
        """Every key but the copy of the public pages version, which lives a second at most
        and so comes and goes by itself."""
        if self.backend == "redis":
            keys = {key.decode() for key in self.redis.scan_iter(match=f"{self.prefix}:*")}
        else:
            keys = set(caches["default"]._cache)
        return {key for key in keys if not key.endswith(f":{PublicPagesVersion.CACHE_KEY}")}

    def empty(self):
        if self.backend == "redis":
            for key in self.redis.scan_iter(match=f"{self.prefix}:*"):
                self.redis.delete(key)
            self.redis.close()


@pytest.fixture(params=["locmem", "redis"])
def cache_keys(request, settings):
    keys = CacheKeys(settings, request.param)
    yield keys
    keys.empty()


@pytest.fixture
def three_pages_of_comments(settings):
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory(title="Muscle cramps")
    for number in range(1, 6):
        CommentFactory(article=article, body=f"Comment {number}", approved=True)
    return article


def bodies(numbers):
    return [f"<p>Comment {number}</p>" for number in numbers]


def test_made_up_comment_pages_add_no_cache_key(client, cache_keys, three_pages_of_comments):
    article = three_pages_of_comments
    page(client, article)
    first_page_only = cache_keys.stored()
    for query in ["?comments=2", "?comments=3"]:
        page(client, article, query)
    before = cache_keys.stored()

    for query in MADE_UP_QUERIES:
        page(client, article, query)

    assert len(before - first_page_only) == 2  # one key for each real page
    assert cache_keys.stored() == before


def test_made_up_home_pages_add_no_cache_key(client, cache_keys, monkeypatch):
    monkeypatch.setattr(article_views, "ARTICLES_PER_PAGE", 2)
    for title in ["Cramps", "Restless legs", "Back spasms"]:
        ArticleFactory(title=title)
    assert client.get("/").status_code == 200
    first_page_only = cache_keys.stored()
    assert client.get("/?page=2").status_code == 200
    before = cache_keys.stored()

    for query in [
        *(f"?page=x{number}" for number in range(1, 301)),
        "?page=-1",
        "?page=0",
        "?page=0002",
        "?page=999",
        f"?page={10**30}",
        "?comments=2",
        "?ref=newsletter",
    ]:
        assert client.get("/" + query).status_code == 200

    assert len(before - first_page_only) == 1
    assert cache_keys.stored() == before


def test_real_pages_of_comments_are_still_served_and_cached(
    client, cache_keys, three_pages_of_comments, django_assert_max_num_queries
):
    article = three_pages_of_comments
    assert comment_bodies(page(client, article, "?comments=2")) == bodies([3, 4])

    with django_assert_max_num_queries(1):  # the public pages version, nothing else
        second = page(client, article, "?comments=2")

    assert comment_bodies(second) == bodies([3, 4])
    assert '<a href="?comments=3#comments">Newer comments</a>' in second


def test_the_second_home_page_is_still_served_and_cached(
    client, cache_keys, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(article_views, "ARTICLES_PER_PAGE", 2)
    for title in ["Cramps", "Restless legs", "Back spasms"]:
        ArticleFactory(title=title)
    client.get("/?page=2")

    with django_assert_max_num_queries(1):
        second = client.get("/?page=2").content.decode()

    assert 'rel="prev">Newer articles' in second
    assert 'rel="next">Older articles' not in second


def test_a_made_up_value_gets_the_page_a_reader_would_expect(client, three_pages_of_comments):
    article = three_pages_of_comments

    assert comment_bodies(page(client, article, "?comments=x1")) == bodies([1, 2])
    assert comment_bodies(page(client, article, "?comments=0007")) == bodies([1, 2])
    assert comment_bodies(page(client, article, "?comments=2&utm_source=x")) == bodies([3, 4])
    assert comment_bodies(page(client, article, "?comments=500")) == bodies([5])


def test_a_page_past_the_last_is_stored_as_the_last_page(
    client, three_pages_of_comments, django_assert_max_num_queries
):
    article = three_pages_of_comments
    page(client, article, "?comments=500")

    with django_assert_max_num_queries(1):
        last = page(client, article, "?comments=3")

    assert comment_bodies(last) == bodies([5])


def test_a_made_up_value_never_puts_another_page_under_the_first_pages_key(
    client, three_pages_of_comments
):
    article = three_pages_of_comments
    # Left to itself the pager shows the last page for a page number below 1.
    page(client, article, "?comments=-1")
    page(client, article, "?comments=x1&comments=3")

    assert comment_bodies(page(client, article)) == bodies([1, 2])


def test_an_address_with_unknown_parameters_is_served_from_the_cache(
    client, three_pages_of_comments, django_assert_max_num_queries
):
    article = three_pages_of_comments
    page(client, article)

    with django_assert_max_num_queries(1):
        shared = page(client, article, "?utm_source=newsletter&utm_medium=email")

    assert comment_bodies(shared) == bodies([1, 2])


def test_a_public_page_parameter_without_a_normaliser_is_refused():
    with pytest.raises(TypeError, match="normaliser"):
        public_page(query_parameters=["comments"])


def test_a_page_that_no_longer_exists_is_never_served_from_its_old_copy(
    client, settings, rf, clinician
):
    """Page 3 of comments was cached; a rejection leaves two pages. Readers of ?comments=3
    get page 2 from then on, even while someone else is rendering it."""
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory(title="Muscle cramps")
    comments = [
        CommentFactory(article=article, body=f"Comment {n}", approved=True) for n in range(1, 6)
    ]
    client.get(article.get_absolute_url(), {"comments": "3"})  # page 3 stored
    comments[4].moderate(Comment.Status.REJECTED, clinician)
    client.get(article.get_absolute_url(), {"comments": "3"})  # now page 2
    key = cache_key(rf.get(article.get_absolute_url(), {"comments": "3"}), {"comments": "3"})
    assert cache.add(f"{key}:rendering", 1, timeout=10)  # another reader is rendering it

    html = client.get(article.get_absolute_url(), {"comments": "3"}).content.decode()

    assert "Comment 5" not in html
