"""Pages compressed with brotli or gzip, as the reader's browser accepts, and only pages that
hold no secret: compressing a page with a token or a signed-in person's details beside text
an attacker chose lets the attacker guess the secret from the page's size (BREACH)."""

import gzip
import re

import brotli
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pagecache.compression import chosen_encoding

from .factories import ArticleFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db

DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}


@pytest.fixture
def article():
    article = ArticleFactory(title="Back muscle spasms", slug="back-muscle-spasms")
    for heading in ("What it feels like", "What helps", "When to get help"):
        SectionFactory(article=article, heading=heading)
    CommentFactory(article=article, approved=True, body="Heat packs helped my back.")
    return article


@pytest.fixture(params=["cached", "rendered"])
def page_cache(request, settings):
    """Pages as served from the page cache, and with it turned off (each one rendered)."""
    if request.param == "rendered":
        settings.PAGE_CACHE_SECONDS = 0
    return request.param


def fetch(path, accept_encoding=None, client=None):
    headers = {} if accept_encoding is None else {"accept-encoding": accept_encoding}
    response = (client or Client()).get(path, headers=headers)
    assert response.status_code == 200
    return response


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def decoded(response):
    return DECODERS[response.get("Content-Encoding")](response.content)


def without_render_stamp(html):
    """The page without the comment form's time of render, which only a new render changes."""
    return re.sub(rb'(name="started" value=")[^"]*"', rb'\1"', html)


def same_page(body, other, page_cache):
    """Byte for byte from the cache; from two renders, all but the time each was made."""
    if page_cache == "cached":
        return body == other
    return body != other and without_render_stamp(body) == without_render_stamp(other)


# What an anonymous reader gets


@pytest.mark.parametrize(
    "accept_encoding, encoding",
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),  # what current browsers send
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("deflate", None),
        ("identity", None),
        (None, None),
        ("*", "br"),
        ("*;q=0", None),
    ],
)
def test_an_article_page_is_sent_in_the_encoding_the_browser_takes(
    article, page_cache, accept_encoding, encoding
):
    as_it_is = fetch(article.get_absolute_url(), "identity")

    response = fetch(article.get_absolute_url(), accept_encoding)

    assert response.get("Content-Encoding") == encoding
    assert same_page(decoded(response), as_it_is.content, page_cache)
    assert b"<h1>Back muscle spasms</h1>" in as_it_is.content
    assert "accept-encoding" in vary(response)
    assert response["Content-Length"] == str(len(response.content))


def test_every_encoding_of_a_cached_page_is_the_same_page(article):
    bodies = {
        encoding: decoded(fetch(article.get_absolute_url(), encoding))
        for encoding in ("identity", "br", "gzip")
    }

    assert bodies["br"] == bodies["gzip"] == bodies["identity"]


def test_brotli_makes_an_article_page_far_smaller(article, page_cache):
    as_it_is = fetch(article.get_absolute_url(), "identity")
    with_brotli = fetch(article.get_absolute_url(), "br")
    with_gzip = fetch(article.get_absolute_url(), "gzip")

    assert len(with_brotli.content) < 0.3 * len(as_it_is.content)
    assert len(with_brotli.content) < len(with_gzip.content) < len(as_it_is.content)


def test_a_browser_revalidating_a_cached_page_gets_a_304_that_keeps_vary(article):
    first = fetch(article.get_absolute_url(), "br")

    again = Client().get(
        article.get_absolute_url(),
        headers={"accept-encoding": "br", "if-none-match": first["ETag"]},
    )

    assert again.status_code == 304
    assert again.content == b""
    assert "Content-Encoding" not in again
    assert "accept-encoding" in vary(again)
    assert again["ETag"] == first["ETag"]


def test_the_home_page_and_the_checker_are_compressed_too(article, page_cache):
    for path in (reverse("articles:home"), reverse("triage:checker")):
        response = fetch(path, "br")

        assert response["Content-Encoding"] == "br", path
        assert b"</html>" in brotli.decompress(response.content)


# What holds a secret is never compressed


def test_a_signed_in_staff_members_page_is_not_compressed(article, clinician_client, page_cache):
    response = fetch(article.get_absolute_url(), "gzip, deflate, br", client=clinician_client)

    assert "Content-Encoding" not in response
    assert b"<h1>Back muscle spasms</h1>" in response.content


def test_a_staff_members_admin_page_is_not_compressed(clinician_client):
    response = fetch(reverse("admin:index"), "gzip, deflate, br", client=clinician_client)

    assert "Content-Encoding" not in response
    assert b'name="csrfmiddlewaretoken"' in response.content


def test_the_admin_sign_in_page_which_holds_a_csrf_token_is_not_compressed():
    response = fetch(reverse("admin:login"), "gzip, deflate, br")

    assert "Content-Encoding" not in response
    assert b'name="csrfmiddlewaretoken"' in response.content


def test_the_admin_sign_in_page_shown_again_after_a_wrong_password_is_not_compressed():
    browser = Client()
    browser.get(reverse("admin:login"))

    response = browser.post(
        reverse("admin:login"),
        {"username": "someone", "password": "wrong"},
        headers={"accept-encoding": "gzip, deflate, br", "sec-fetch-site": "same-origin"},
    )

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b'name="csrfmiddlewaretoken"' in response.content


def test_a_short_response_is_sent_as_it_is(client):
    response = client.get(reverse("robots_txt"), headers={"accept-encoding": "br"})

    assert response.status_code == 200
    assert len(response.content) < 256
    assert "Content-Encoding" not in response


# Choosing the encoding from Accept-Encoding


@pytest.mark.parametrize(
    "accept_encoding, encoding",
    [
        ("", "identity"),
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, br", "br"),  # brotli first whenever both are taken
        ("BR", "br"),
        ("GZip", "gzip"),
        ("BR;Q=0, GZIP", "gzip"),
        ("  br  ", "br"),
        (" gzip ;  q=0.5 ", "gzip"),
        ("br ; q=0 , gzip ; q=1", "gzip"),
        ("gzip,br;q=0", "gzip"),
        (", ,br,", "br"),
        ("br;q=0.0, gzip;q=0.000", "identity"),
        ("br;q=0.001", "br"),
        ("br;q=0.1, gzip", "gzip"),  # the browser's stronger preference wins
        ("gzip;q=0.5, br;q=0.9", "br"),
        ("gzip, br;q=nan", "gzip"),
        ("br;q=2, gzip;q=0.5", "gzip"),
        ("br;q=1.0", "br"),
        ("br;q=abc, gzip", "gzip"),  # a weight that cannot be read refuses the coding
        ("br;q=, gzip", "gzip"),
        ("br;q=nan, gzip", "gzip"),
        ("br;q=-1, gzip", "gzip"),
        ("br;q=abc", "identity"),
        ("*", "br"),
        ("*;q=0", "identity"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("br;q=0, gzip;q=0, *", "identity"),
        ("identity", "identity"),
        ("deflate, zstd, compress", "identity"),
        ("x-br", "identity"),
    ],
)
def test_the_encoding_chosen_for_an_accept_encoding_header(accept_encoding, encoding):
    assert chosen_encoding(accept_encoding) == encoding


CODINGS = st.sampled_from(["br", "gzip", "*", "identity", "deflate", "zstd"])
WEIGHTS = st.sampled_from([None, "0", "0.0", "0.5", "1", "abc", ""])


def header_items(items):
    return ", ".join(
        coding if weight is None else f"{coding};q={weight}" for coding, weight in items
    )


def accepted(coding, items):
    """Whether the header's last word on `coding` (or failing that on `*`) takes it."""
    weights = {name: weight for name, weight in items}
    weight = weights.get(coding, weights.get("*", "0"))
    return weight is None or weight in ("0.5", "1")


@given(st.lists(st.tuples(CODINGS, WEIGHTS), max_size=6))
def test_the_chosen_encoding_is_always_one_the_browser_takes(items):
    encoding = chosen_encoding(header_items(items))

    if encoding != "identity":
        assert accepted(encoding, items)
    else:
        assert not accepted("br", items) and not accepted("gzip", items)
