"""Link previews and search-engine data on the home, topic and checker pages, and one
"last changed" time (the clinical sign-off) in the feed, the sitemap and the article page."""

import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Article
from triage.models import Advice, Vignette

from .factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SHARE_IMAGE = f"{HOST}/static/articles/img/share-default.png"
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def moment(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, tzinfo=datetime.UTC)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def structured_data(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, attribute, name):
    head = html.split("</head>")[0]
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', head)
    assert len(found) == 1, name
    return found[0]


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1)


def assert_previews_as(html, url):
    """The page names `url` as its address everywhere a preview or a crawler looks."""
    assert canonical(html) == url
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:image") == SHARE_IMAGE
    assert meta(html, "name", "twitter:image") == SHARE_IMAGE
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "property", "og:type") == "website"
    assert structured_data(html)["url"] == url


def unpublished_articles_on(topic):
    hidden = [
        ArticleFactory(title="A draft", status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(
            title="A scheduled one", published_at=timezone.now() + datetime.timedelta(3)
        ),
        ArticleFactory(title="An archived one", status=Article.Status.ARCHIVED),
    ]
    for article in hidden:
        article.topics.add(topic)
    return hidden


# The home page


def test_home_describes_the_site_and_its_search_to_search_engines(client):
    html = html_of(client, reverse("articles:home"))

    assert_previews_as(html, f"{HOST}/")
    data = structured_data(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "WebSite"
    assert data["name"] == "SpasmCMS"
    assert data["publisher"] == {"@type": "Organization", "name": "SpasmCMS", "url": f"{HOST}/"}
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{HOST}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    assert meta(html, "property", "og:title") == "SpasmCMS: health articles"


def test_the_search_action_leads_to_the_sites_search_for_those_words(client):
    template = structured_data(html_of(client, "/"))["potentialAction"]["target"]["urlTemplate"]

    address = urlsplit(template.replace("{search_term_string}", "sciatica"))
    response = client.get(address.path, parse_qs(address.query))

    assert response.status_code == 200
    assert '<input id="search-q" type="search" name="q" maxlength="200" value="sciatica">' in (
        response.content.decode()
    )


def test_later_pages_of_the_home_page_preview_as_the_home_page(client):
    ArticleFactory.create_batch(21)

    html = html_of(client, "/?page=2")

    assert_previews_as(html, f"{HOST}/")


# Topic pages


def test_topic_page_is_a_collection_of_exactly_its_published_articles(client):
    topic = TopicFactory(
        name="Sciatica and back pain",
        slug="sciatica-and-back-pain",
        description="Aches and spasms.",
    )
    older = ArticleFactory(slug="sitting-posture", published_at=moment(3, 1))
    newer = ArticleFactory(slug="sciatica", title="Sciatica", published_at=moment(5, 1))
    older.topics.add(topic)
    newer.topics.add(topic)
    unpublished_articles_on(topic)

    html = html_of(client, topic.get_absolute_url())

    assert_previews_as(html, f"{HOST}/topics/sciatica-and-back-pain/")
    data = structured_data(html)
    assert data["@type"] == "CollectionPage"
    assert data["name"] == "Sciatica and back pain"
    assert data["description"] == "Aches and spasms."
    assert data["isPartOf"]["url"] == f"{HOST}/"
    listed = data["mainEntity"]
    assert listed["@type"] == "ItemList"
    assert listed["numberOfItems"] == 2
    assert [(item["position"], item["url"]) for item in listed["itemListElement"]] == [
        (1, f"{HOST}/articles/sciatica/"),
        (2, f"{HOST}/articles/sitting-posture/"),
    ]
    assert listed["itemListElement"][0]["name"] == "Sciatica"
    assert meta(html, "property", "og:title") == "Sciatica and back pain"
    assert meta(html, "property", "og:description") == "Aches and spasms."


def test_a_topic_without_a_description_still_says_what_it_is(client):
    topic = TopicFactory(name="Neck pain", description="")

    html = html_of(client, topic.get_absolute_url())

    described = "Clinician-reviewed health articles on Neck pain."
    assert structured_data(html)["description"] == described
    assert meta(html, "name", "description") == described
    assert meta(html, "property", "og:description") == described


def test_a_topics_words_cannot_break_out_of_the_data_block(client):
    topic = TopicFactory(name="</script><script>alert(1)</script>", description="a & b < c")

    html = html_of(client, topic.get_absolute_url())

    assert "</script><script>alert(1)" not in html
    data = structured_data(html)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b < c"


# The symptom checker


def test_checker_is_described_as_a_medical_page_for_patients(client):
    html = html_of(client, reverse("triage:checker"))

    assert_previews_as(html, f"{HOST}/triage/")
    data = structured_data(html)
    assert data["@type"] == "MedicalWebPage"
    assert data["medicalAudience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert data["about"] == {"@type": "MedicalCondition", "name": "Back pain"}
    assert data["publisher"]["url"] == f"{HOST}/"
    title = "Check how urgently you need help with back pain"
    assert data["name"] == meta(html, "property", "og:title") == title
    assert "<title>Check how urgently you need help with back pain · SpasmCMS</title>" in html


def test_checker_shown_again_with_errors_keeps_one_description(client):
    response = client.post(reverse("triage:checker"), {})

    html = response.content.decode()
    assert "There is a problem" in html
    assert structured_data(html)["url"] == f"{HOST}/triage/"


# One "last changed" time: the clinician's sign-off


def feed_entries(client):
    response = client.get(reverse("articles:feed"))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314  (our own response)
    entries = {
        entry.findtext("atom:title", namespaces=ATOM_NS): entry.findtext(
            "atom:updated", namespaces=ATOM_NS
        )
        for entry in feed.findall("atom:entry", ATOM_NS)
    }
    return feed.findtext("atom:updated", namespaces=ATOM_NS), entries


def touch(article, when):
    """A save readers cannot see (`updated_at` moves, the content does not)."""
    Article.objects.filter(pk=article.pk).update(updated_at=when)


def test_feed_entries_are_updated_when_signed_off_not_when_last_saved(client):
    signed = ArticleFactory(title="Signed", published_at=moment(1, 5), signed_off_at=moment(4, 1))
    # Published before sign-offs were recorded: the publish time stands in.
    ArticleFactory(title="Older", published_at=moment(2, 5), signed_off_at=None)
    touch(signed, moment(11, 30))

    updated, entries = feed_entries(client)

    assert entries == {
        "Signed": "2026-04-01T09:00:00+00:00",
        "Older": "2026-02-05T09:00:00+00:00",
    }
    assert updated == "2026-04-01T09:00:00+00:00"  # the newest entry's


def test_a_sign_off_the_public_cannot_see_yet_does_not_update_the_feed(client):
    ArticleFactory(title="Live", published_at=moment(1, 5), signed_off_at=moment(3, 1))
    ArticleFactory(
        title="Scheduled",
        published_at=timezone.now() + datetime.timedelta(days=3),
        signed_off_at=timezone.now(),
    )

    updated, entries = feed_entries(client)

    assert list(entries) == ["Live"]
    assert updated == "2026-03-01T09:00:00+00:00"


def sitemap_lastmods(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314  (our own response)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def test_sitemap_says_when_pages_were_signed_off(client):
    topic = TopicFactory(slug="back-pain")
    first = ArticleFactory(slug="first", published_at=moment(1, 5), signed_off_at=moment(3, 10))
    second = ArticleFactory(slug="second", published_at=moment(2, 5), signed_off_at=None)
    first.topics.add(topic)
    second.topics.add(topic)
    touch(first, moment(11, 30))
    # Signed off later, but not public: neither the home page nor the topic shows it.
    for hidden in unpublished_articles_on(topic):
        Article.objects.filter(pk=hidden.pk).update(signed_off_at=moment(6, 1))

    lastmods = sitemap_lastmods(client)

    assert lastmods[f"{HOST}/articles/first/"] == "2026-03-10"
    assert lastmods[f"{HOST}/articles/second/"] == "2026-02-05"
    assert lastmods[f"{HOST}/topics/back-pain/"] == "2026-03-10"
    assert lastmods[f"{HOST}/"] == "2026-03-10"


def test_the_article_page_gives_the_same_time(client):
    article = ArticleFactory(published_at=moment(1, 5), signed_off_at=moment(3, 10))
    touch(article, moment(11, 30))

    html = html_of(client, article.get_absolute_url())

    assert structured_data(html)["dateModified"] == "2026-03-10T09:00:00+00:00"
    assert meta(html, "property", "article:modified_time") == "2026-03-10T09:00:00+00:00"


def test_demo_content_is_signed_off_on_its_review_date_not_when_loaded(client):
    call_command("load_demo_content", stdout=io.StringIO())

    article = Article.objects.get(slug="back-muscle-spasms")
    assert timezone.localtime(article.signed_off_at).date() == article.last_reviewed
    _, entries = feed_entries(client)
    assert entries[article.title].startswith(article.last_reviewed.isoformat())


def changed_in_history(instance, when):
    """Save `instance` as the admin does (a new version in History), dated `when`."""
    with reversion.create_revision():
        instance.save()
    newest = Version.objects.get_for_object(instance).first()
    Revision.objects.filter(pk=newest.revision_id).update(date_created=when)


def test_sitemap_dates_the_checker_by_the_last_change_to_what_readers_are_asked_and_told(
    client,
):
    Revision.objects.update(date_created=moment(1, 1))  # the versions shipped with the rules
    changed_in_history(Advice.objects.first(), moment(4, 1))
    # Safety test cases are never shown to readers: changing one changes no page.
    changed_in_history(Vignette.objects.first(), moment(6, 1))

    lastmods = sitemap_lastmods(client)

    assert lastmods[f"{HOST}/triage/"] == "2026-04-01"
    assert client.get("/sitemap.xml").content.decode().count(f"<loc>{HOST}/triage/</loc>") == 1
