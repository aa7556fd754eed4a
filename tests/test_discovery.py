"""How readers and search engines find articles: topic pages, sitemap, robots.txt, the
Atom feed, and one canonical address per page.

The moved-admin robots.txt test runs in a process of its own on a SQLite file of its own,
so it is the same on any test database: `.ci/run` runs it in its SQLite pass only.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from unittest.mock import ANY

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from triage.models import Question

from .factories import ArticleFactory, TopicFactory
from .servers import manage, production_env

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
HOST = "http://testserver"


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def set_signed_off_at(article, moment):
    """`signed_off_at` is not a form field; tests that need a given value write it directly."""
    Article.objects.filter(pk=article.pk).update(signed_off_at=moment)


def articles_that_must_never_show(topic):
    """One article in each state the public must not see, all on `topic`."""
    hidden = [
        ArticleFactory(title="Draft on spasms", status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(
            title="Scheduled on spasms", published_at=timezone.now() + datetime.timedelta(days=3)
        ),
        ArticleFactory(title="Unpublished on spasms", status=Article.Status.UNPUBLISHED),
        ArticleFactory(title="Archived on spasms", status=Article.Status.ARCHIVED),
    ]
    for article in hidden:
        article.topics.add(topic)
    return hidden


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def parse_xml(response):
    return ET.fromstring(response.content)  # noqa: S314  (our own response, not untrusted)


def queries_for(client, url):
    """Queries for a page rendered afresh (not from the page cache, which a page read
    moments before leaves warm)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Topic pages


@pytest.fixture
def back_pain():
    # The topic the shipped red flags belong to already exists: give it this test's words.
    return Topic.objects.update_or_create(
        slug="back-pain",
        defaults={
            "name": "Back pain",
            "description": "Aches, spasms and stiffness in the back, and what helps.",
        },
    )[0]


def test_topic_address_is_readable(back_pain):
    assert back_pain.get_absolute_url() == "/topics/back-pain/"


def test_topic_page_lists_exactly_its_published_articles_newest_first(client, back_pain):
    older = ArticleFactory(
        title="Sitting posture", standfirst="How to sit.", published_at=days_ago(9)
    )
    newer = ArticleFactory(
        title="Muscle cramps", standfirst="Why cramps come.", published_at=days_ago(2)
    )
    older.topics.add(back_pain)
    newer.topics.add(back_pain)
    articles_that_must_never_show(back_pain)
    ArticleFactory(title="Neck stiffness").topics.add(TopicFactory(name="Neck", slug="neck"))

    html = html_of(client, back_pain.get_absolute_url())

    assert "<h1>Back pain</h1>" in html
    assert "Aches, spasms and stiffness in the back, and what helps." in html
    listed = re.findall(r'<h2><a href="([^"]+)">([^<]+)</a></h2>', html)
    assert listed == [
        (newer.get_absolute_url(), "Muscle cramps"),
        (older.get_absolute_url(), "Sitting posture"),
    ]
    assert "Why cramps come." in html
    assert "How to sit." in html
    assert "on spasms" not in html
    assert "Neck stiffness" not in html


def test_an_unknown_topic_is_not_found(client):
    response = client.get("/topics/no-such-topic/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_topic_with_nothing_published_says_so(client, back_pain):
    articles_that_must_never_show(back_pain)

    html = html_of(client, back_pain.get_absolute_url())

    assert "There are no articles on this topic yet." in html
    assert 'class="article-list"' not in html
    assert "on spasms" not in html


@pytest.mark.parametrize("article_count", [3, 30])
def test_topic_page_query_count_is_fixed(client, django_assert_max_num_queries, article_count):
    topic = TopicFactory()
    for _ in range(article_count):
        ArticleFactory().topics.add(topic)

    with django_assert_max_num_queries(4):
        html = html_of(client, topic.get_absolute_url())

    assert html.count("<h2><a href=") == min(article_count, 20)


def test_a_big_topic_lists_twenty_articles_a_page_with_a_way_to_the_rest(client):
    topic = TopicFactory()
    for number in range(40):
        ArticleFactory(title=f"Article {number:02}", published_at=days_ago(number + 1)).topics.add(
            topic
        )
    articles_that_must_never_show(topic)  # not counted either

    first = html_of(client, topic.get_absolute_url())
    last = html_of(client, topic.get_absolute_url() + "?page=2")
    past_the_last = html_of(client, topic.get_absolute_url() + "?page=99")

    assert first.count("<h2><a href=") == 20
    assert "Article 00" in first and "Article 20" not in first
    assert 'href="?page=2" rel="next">Older articles' in first
    assert "Page 1 of 2" in first
    assert last.count("<h2><a href=") == 20
    assert "Article 39" in last
    assert 'href="?page=1" rel="prev">Newer articles' in last
    assert past_the_last == last


def test_topic_page_costs_the_same_with_3_or_30_articles(client):
    few, many = TopicFactory(), TopicFactory()
    for _ in range(3):
        ArticleFactory().topics.add(few)
    for _ in range(30):
        ArticleFactory().topics.add(many)

    assert queries_for(client, few.get_absolute_url()) == queries_for(
        client, many.get_absolute_url()
    )


# Topics on the article page


def test_article_page_links_to_its_topics(client, back_pain):
    article = ArticleFactory()
    sciatica = TopicFactory(name="Sciatica", slug="sciatica")
    article.topics.add(sciatica, back_pain)

    html = html_of(client, article.get_absolute_url())

    assert (
        '<p class="article-topics">Topics: <a href="/topics/back-pain/">Back pain</a>, '
        '<a href="/topics/sciatica/">Sciatica</a></p>' in html
    )


def test_article_page_without_topics_shows_no_topic_line(client):
    html = html_of(client, ArticleFactory().get_absolute_url())

    assert "Topics:" not in html


def test_article_page_costs_the_same_with_one_topic_or_six(client):
    one, six = ArticleFactory(), ArticleFactory()
    one.topics.add(TopicFactory())
    six.topics.add(*TopicFactory.create_batch(6))

    assert queries_for(client, one.get_absolute_url()) == queries_for(
        client, six.get_absolute_url()
    )


def test_the_article_pages_queryset_loads_its_topics_up_front(django_assert_num_queries):
    article = ArticleFactory()
    article.topics.add(*TopicFactory.create_batch(3))

    loaded = Article.objects.for_page().get(pk=article.pk)

    with django_assert_num_queries(0):
        assert len(loaded.topics.all()) == 3


# sitemap.xml


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse_xml(response)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def test_sitemap_lists_exactly_the_public_pages_with_when_they_changed(client, back_pain):
    published = datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC)
    first = ArticleFactory(slug="lower-back-pain", published_at=published)
    second = ArticleFactory(slug="sciatica", published_at=published)
    first.topics.add(back_pain)
    second.topics.add(back_pain)
    set_signed_off_at(first, datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC))
    set_signed_off_at(second, datetime.datetime(2026, 5, 20, 12, tzinfo=datetime.UTC))
    # A draft signed off later must not make the topic look newer than what readers can see.
    hidden = articles_that_must_never_show(back_pain)
    for article in hidden:
        set_signed_off_at(article, datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC))
    only_drafts = TopicFactory(slug="only-drafts")
    hidden[0].topics.add(only_drafts)
    TopicFactory(slug="empty")

    assert sitemap_entries(client) == {
        f"{HOST}/": "2026-05-20",
        f"{HOST}/triage/": ANY,  # when its rules changed: see test_page_metadata.py
        f"{HOST}/topics/back-pain/": "2026-05-20",
        f"{HOST}/articles/lower-back-pain/": "2026-03-10",
        f"{HOST}/articles/sciatica/": "2026-05-20",
    }


def test_sitemap_costs_the_same_with_2_or_10_topics(client):
    def add_topics(count):
        for _ in range(count):
            ArticleFactory().topics.add(TopicFactory())

    add_topics(2)
    few = queries_for(client, "/sitemap.xml")
    add_topics(8)

    assert queries_for(client, "/sitemap.xml") == few


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_search_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=86400" in cache_control


@pytest.mark.database_independent
def test_robots_txt_never_reveals_a_moved_admin(tmp_path):
    """A moved admin is a secret robots.txt must keep. The address is fixed when the URLs
    load, so a fresh process is needed."""
    env = production_env(tmp_path, DJANGO_ADMIN_URL="/staff-area/")
    fetch = (
        "from django.test import Client; "
        "print(Client(HTTP_HOST='127.0.0.1').get('/robots.txt').content.decode())"
    )

    robots = manage(env, "shell", "--no-imports", "-c", fetch).stdout

    assert "staff-area" not in robots
    assert "/admin/" not in robots
    assert "Disallow: /search/\n" in robots


# Atom feed


def test_feed_lists_exactly_the_published_articles_newest_first(client, back_pain):
    older = ArticleFactory(
        title="Sitting posture",
        slug="sitting-posture",
        standfirst="How to sit <well> & comfortably.",
        published_at=datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC),
    )
    ArticleFactory(
        title="Cramps & spasms",
        slug="cramps",
        published_at=datetime.datetime(2026, 2, 5, 9, tzinfo=datetime.UTC),
    )
    set_signed_off_at(older, datetime.datetime(2026, 4, 1, 8, tzinfo=datetime.UTC))
    articles_that_must_never_show(back_pain)

    response = client.get(reverse("articles:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("atom:author/atom:name", namespaces=ATOM_NS) == "SpasmCMS"
    entries = feed.findall("atom:entry", ATOM_NS)
    assert [entry.findtext("atom:title", namespaces=ATOM_NS) for entry in entries] == [
        "Cramps & spasms",
        "Sitting posture",
    ]
    sitting = entries[1]
    assert sitting.find("atom:link", ATOM_NS).get("href") == f"{HOST}/articles/sitting-posture/"
    # The summary is HTML, so a reader's feed app shows the standfirst's "<well>" as text.
    assert (
        sitting.findtext("atom:summary", namespaces=ATOM_NS)
        == "How to sit &lt;well&gt; &amp; comfortably."
    )
    assert sitting.findtext("atom:published", namespaces=ATOM_NS) == "2026-01-05T09:00:00+00:00"
    assert sitting.findtext("atom:updated", namespaces=ATOM_NS) == "2026-04-01T08:00:00+00:00"


def test_every_page_points_feed_readers_at_the_feed(client):
    html = html_of(client, reverse("articles:home"))

    assert (
        '<link rel="alternate" type="application/atom+xml" title="SpasmCMS: health articles" '
        'href="/feed/">' in html
    )


# Canonical and hreflang links


def head_links(html):
    head = html.split("</head>")[0]
    return {
        "canonical": re.findall(r'<link rel="canonical" href="([^"]*)">', head),
        "en-gb": re.findall(r'<link rel="alternate" hreflang="en-gb" href="([^"]*)">', head),
        "x-default": re.findall(
            r'<link rel="alternate" hreflang="x-default" href="([^"]*)">', head
        ),
    }


@pytest.fixture
def public_addresses(back_pain):
    article = ArticleFactory(slug="lower-back-pain")
    article.topics.add(back_pain)
    return ["/", "/topics/back-pain/", "/articles/lower-back-pain/", "/triage/"]


def test_each_page_names_its_own_address_once_without_the_query_string(client, public_addresses):
    for address in public_addresses:
        html = html_of(client, f"{address}?utm_source=newsletter")

        expected = [f"{HOST}{address}"]
        assert head_links(html) == {
            "canonical": expected,
            "en-gb": expected,
            "x-default": expected,
        }, address
        assert html.count('rel="canonical"') == 1, address


def test_a_symptom_checker_result_names_no_canonical_address(client):
    answers = {q.slug: "no" for q in Question.objects.asked() if q.kind == "yes_no"}

    response = client.post(reverse("triage:checker"), {**answers, "duration_weeks": "1"})

    html = response.content.decode()
    assert "data-disposition" in html
    assert 'rel="canonical"' not in html
