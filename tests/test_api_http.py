"""The content API over HTTP: any site's pages may read it, a client holding an answer
revalidates it for a 304, a busy client is slowed with a 429, and an edit reaches the next
caller at once, cached or not."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory

from articles.models import Article
from pagecache.middleware import cache_key, local_pages

from .factories import ClinicalCodeFactory, live_article
from .page_cache_helpers import save

DETAIL = "/api/v1/articles/back-muscle-spasms"
# One of each kind of answer: from the page cache, afresh, the feed, the schema.
ADDRESSES = [
    DETAIL,
    "/api/v1/articles",
    "/api/v1/articles?code=M62.830",
    "/api/v1/topics",
    "/api/v1/changes",
    "/api/v1/openapi.json",
]


def stored_key(address):
    """The page cache's key for an address asked for by a caller."""
    return cache_key(RequestFactory().get(address))


@pytest.fixture
def spasms(db):
    article = live_article(title="Back muscle spasms", slug="back-muscle-spasms")
    ClinicalCodeFactory(article=article, code="M62.830")
    return article


@pytest.mark.django_db
@pytest.mark.parametrize("address", ADDRESSES)
def test_every_answer_may_be_read_from_any_site_and_revalidated(client, spasms, address):
    response = client.get(address, headers={"Origin": "https://portal.example"})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response["Cache-Control"].startswith("public, max-age=0")
    assert "Accept-Encoding" in response["Vary"]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies

    again = client.get(address, headers={"If-None-Match": response["ETag"]})

    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_an_edit_changes_the_etag_and_the_next_answer(client, spasms):
    before = client.get(DETAIL)

    spasms.title = "Back spasms"
    save(spasms)
    after = client.get(DETAIL, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after.json()["title"] == "Back spasms"


@pytest.mark.django_db
def test_a_compressed_answer_for_a_caller_that_takes_one(client, spasms):
    identity = client.get(DETAIL)
    compressed = client.get(DETAIL, headers={"Accept-Encoding": "br, gzip"})

    assert compressed["Content-Encoding"] == "br"
    assert len(compressed.content) < len(identity.content) / 2


@pytest.mark.django_db
def test_answers_by_code_are_never_stored_so_made_up_codes_cannot_fill_the_cache(client, spasms):
    client.get(DETAIL)
    stored = len(local_pages.pages)

    for n in range(30):
        client.get("/api/v1/articles", {"code": f"M62.8{n:02}"[:7]})
        client.get("/api/v1/articles", {"topic": f"made-up-{n}"})
        client.get("/api/v1/articles", {"page": str(n + 2)})

    assert len(local_pages.pages) == stored


@pytest.mark.django_db
def test_a_preflight_allows_reading_only(spasms):
    response = Client().options(
        DETAIL,
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_can_be_written_through_the_api(spasms, method):
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(
        DETAIL, {"title": "Changed"}, content_type="application/json"
    )

    assert response.status_code in (403, 405)
    assert Article.objects.get(pk=spasms.pk).title == "Back muscle spasms"


@pytest.mark.django_db
def test_a_client_over_the_rate_limit_is_told_when_to_try_again(settings, spasms):
    settings.API_RATE_LIMIT = 3
    busy = Client(REMOTE_ADDR="198.51.100.7")
    other = Client(REMOTE_ADDR="198.51.100.8")
    by_code = "/api/v1/articles?code=M62.830"  # rendered afresh each time

    answers = [busy.get(by_code).status_code for _ in range(4)]
    refused = busy.get("/api/v1/changes")

    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(settings.API_RATE_WINDOW_SECONDS)
    assert refused["Cache-Control"] == "no-store"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert refused.json()["licence"] == settings.CONTENT_LICENCE
    assert "Too many requests" in refused.json()["detail"]
    assert other.get(by_code).status_code == 200


@pytest.mark.django_db
def test_an_answer_the_page_cache_holds_is_served_without_counting(settings, spasms):
    settings.API_RATE_LIMIT = 1
    busy = Client(REMOTE_ADDR="198.51.100.10")

    first = busy.get(DETAIL)  # rendered: counted, and stored
    again = [busy.get(DETAIL).status_code for _ in range(5)]

    assert first.status_code == 200
    assert again == [200] * 5
    assert busy.get("/api/v1/changes").status_code == 429  # anything rendered is refused


@pytest.mark.django_db
def test_the_rate_limit_never_touches_the_sites_own_pages(settings, spasms):
    settings.API_RATE_LIMIT = 1
    reader = Client(REMOTE_ADDR="198.51.100.9")

    reader.get(DETAIL)
    reader.get(DETAIL)

    assert reader.get(spasms.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_refusal_is_never_kept_by_a_cache(client, spasms):
    response = client.get("/api/v1/articles/no-such-article")

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert settings.SECURE_CSP["script-src"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ADDRESSES)
def test_head_gets_the_headers_of_get_without_the_body(client, spasms, address):
    head = client.head(address)
    get = client.get(address)

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert head["ETag"] == get["ETag"]
    assert int(head["Content-Length"]) == len(get.content)


@pytest.mark.django_db
def test_a_client_over_the_limit_leaves_other_readers_the_copy_from_a_moment_ago(settings, spasms):
    settings.API_RATE_LIMIT = 1
    Client(REMOTE_ADDR="198.51.100.20").get(DETAIL)  # stored for everyone
    key = stored_key(DETAIL)
    busy = Client(REMOTE_ADDR="198.51.100.21")
    busy.get("/api/v1/changes")  # its one rendered answer

    save(spasms, title="Back spasms")  # the stored copy is now out of date
    refused = busy.get(DETAIL)  # this client's turn to render it: refused

    assert refused.status_code == 429
    assert cache.get(key) is not None
