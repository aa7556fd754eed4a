"""Sharing and link previews: plain links from the canonical URL, and honest page meta."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

CANONICAL = "http://testserver/articles/back-muscle-spasms/"


@pytest.fixture
def article():
    article = ArticleFactory(
        slug="back-muscle-spasms",
        title="Back muscle spasms & what helps",
        standfirst="Why backs go into spasm.",
        reviewed_by__first_name="Priya",
        reviewed_by__last_name="Shah",
        last_reviewed=datetime.date(2026, 10, 15),
    )
    SectionFactory(article=article, heading="What causes back spasms")
    return article


@pytest.fixture
def html(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def share_hrefs(html):
    block = html.split('id="share"')[1].split("</section>")[0]
    return dict(re.findall(r'<a href="([^"]+)" rel="noopener noreferrer">(\w+)<', block))


def test_share_links_for_each_service_carry_the_canonical_url(html):
    links = {service: href.replace("&amp;", "&") for href, service in share_hrefs(html).items()}

    assert set(links) == {"Email", "WhatsApp", "Facebook", "X", "LinkedIn"}
    assert parse_qs(urlsplit(links["Email"]).query)["body"] == [CANONICAL]
    assert parse_qs(urlsplit(links["Email"]).query)["subject"] == [
        "Back muscle spasms & what helps"
    ]
    assert CANONICAL in parse_qs(urlsplit(links["WhatsApp"]).query)["text"][0]
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [CANONICAL]
    assert parse_qs(urlsplit(links["X"]).query)["url"] == [CANONICAL]
    assert parse_qs(urlsplit(links["LinkedIn"]).query)["url"] == [CANONICAL]
    assert links["Facebook"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert links["X"].startswith("https://x.com/intent/post?")


def test_every_section_heading_has_a_link_to_itself(html):
    assert (
        f'<a class="section-link" href="{CANONICAL}#what-causes-back-spasms">'
        '<span class="section-link-label">Link to this section</span>' in html
    )


def test_copy_share_and_print_are_javascript_enhancements_hidden_without_it(html):
    assert '<script src="/static/articles/js/share.js" defer></script>' in html
    for attribute in ["data-copy-link", "data-native-share", "data-print"]:
        button = re.search(rf"<button[^>]*{attribute}[^>]*>", html).group(0)
        assert " hidden" in button, attribute
    assert f'data-copy-link="{CANONICAL}"' in html


def test_link_preview_meta(html):
    def meta(attribute, name):
        return re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html).group(1)

    assert f'<link rel="canonical" href="{CANONICAL}">' in html
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:title") == "Back muscle spasms &amp; what helps"
    assert meta("property", "og:description") == "Why backs go into spasm."
    assert meta("property", "og:url") == CANONICAL
    assert meta("property", "og:image") == "http://testserver/static/articles/img/share-default.png"
    assert meta("name", "twitter:card") == "summary_large_image"


def structured_data(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_json_ld_describes_a_reviewed_medical_web_page(html):
    data = structured_data(html)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["about"] == {"@type": "MedicalCondition", "name": "Back muscle spasms & what helps"}
    assert data["url"] == CANONICAL
    assert data["lastReviewed"] == "2026-10-15"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Priya Shah"}
    assert data["publisher"]["name"] == "SpasmCMS"
    for key in ["datePublished", "dateModified"]:
        assert datetime.datetime.fromisoformat(data[key]).tzinfo is not None, key


def test_json_ld_cannot_break_out_of_its_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>", standfirst="a & b < c")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in html
    data = structured_data(html)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b < c"


def test_no_third_party_script_frame_or_pixel_on_the_article(html):
    assert "<iframe" not in html
    for src in re.findall(r'<(?:script|img)\b[^>]*\ssrc="([^"]+)"', html):
        assert src.startswith("/static/"), src
