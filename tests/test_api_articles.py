"""The content API's articles and topics (/api/v1/): partner sites and patient portals get
what our readers see, published articles only, with the care card and review dates whole."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ClinicalCode, Section, Topic, Treatment
from triage.models import RedFlag

from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicalCodeFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
    draft,
    live_article,
)
from .page_cache_helpers import save

SNOMED_CT = ClinicalCode.System.SNOMED_CT


def slugs(response):
    return [article["slug"] for article in response.json()["results"]]


@pytest.fixture
def spasms(db):
    article = live_article(
        title="Back muscle spasms",
        slug="back-muscle-spasms",
        standfirst="Why back muscles tighten suddenly, and what eases them.",
    )
    article.topics.add(TopicFactory(slug="back-pain", name="Back pain"))
    ClinicalCodeFactory(article=article, code="M62.830", display_name="Muscle spasm of back")
    return article


# Lists ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_holds_published_articles_only_newest_first(client, spasms):
    now = timezone.now()
    ArticleFactory(slug="older", published_at=now - datetime.timedelta(days=30))
    draft(slug="being-written")
    ArticleFactory(slug="scheduled", published_at=now + datetime.timedelta(days=1))
    ArticleFactory(slug="taken-down", status=Article.Status.UNPUBLISHED)
    ArticleFactory(slug="archived", status=Article.Status.ARCHIVED)

    response = client.get("/api/v1/articles")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert slugs(response) == ["back-muscle-spasms", "older"]
    body = response.json()
    assert body["licence"] == settings.CONTENT_LICENCE
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert body["next"] is None and body["previous"] is None


@pytest.mark.django_db
def test_an_article_in_a_list_says_where_to_link_readers_and_how_current_it_is(client, spasms):
    (listed,) = client.get("/api/v1/articles").json()["results"]

    assert listed == {
        "id": spasms.pk,
        "slug": "back-muscle-spasms",
        "title": "Back muscle spasms",
        "standfirst": "Why back muscles tighten suddenly, and what eases them.",
        "language": "en-GB",
        "url": "http://testserver/articles/back-muscle-spasms/",
        "api_url": "http://testserver/api/v1/articles/back-muscle-spasms",
        "topics": [{"slug": "back-pain", "name": "Back pain"}],
        "codes": [
            {
                "system": "2.16.840.1.113883.6.90",
                "system_name": "ICD-10-CM",
                "code": "M62.830",
                "display_name": "Muscle spasm of back",
            }
        ],
        "last_reviewed": spasms.last_reviewed.isoformat(),
        "next_review_due": spasms.next_review_due.isoformat(),
        "review_overdue": False,
        "updated": spasms.published_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


@pytest.mark.django_db
def test_a_list_by_topic(client, spasms):
    ArticleFactory(slug="cramps").topics.add(TopicFactory(slug="cramps"))

    assert slugs(client.get("/api/v1/articles", {"topic": "back-pain"})) == ["back-muscle-spasms"]
    assert slugs(client.get("/api/v1/articles", {"topic": "cramps"})) == ["cramps"]


@pytest.mark.django_db
@pytest.mark.parametrize("topic", ["no-such-topic", "not a slug", "x" * 101, ""])
def test_an_unknown_or_malformed_topic_is_refused_not_shown_as_every_article(client, spasms, topic):
    response = client.get("/api/v1/articles", {"topic": topic})

    assert response.status_code in (400, 404)
    body = response.json()
    assert body["licence"] == settings.CONTENT_LICENCE
    assert body["detail"]
    assert "results" not in body


@pytest.mark.django_db
def test_a_topic_with_no_published_article_is_unknown(client, spasms):
    draft(slug="draft-only").topics.add(TopicFactory(slug="hidden-topic"))

    response = client.get("/api/v1/articles", {"topic": "hidden-topic"})

    assert response.status_code == 404
    assert "hidden-topic" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["M62.830", "M62830", "m62.830", "M62.83", "M62"])
def test_a_list_by_code_finds_the_code_a_broader_or_a_narrower_one(client, spasms, code):
    ArticleFactory(slug="unrelated")

    response = client.get("/api/v1/articles", {"code": code})

    assert response.status_code == 200
    assert slugs(response) == ["back-muscle-spasms"]


@pytest.mark.django_db
def test_a_list_by_code_names_its_system(client, spasms):
    ClinicalCodeFactory(
        article=spasms, system=SNOMED_CT, code="45326000", display_name="Muscle spasm"
    )

    found = client.get("/api/v1/articles", {"code": "45326000", "system": SNOMED_CT})
    not_icd = client.get("/api/v1/articles", {"code": "45326000"})

    assert slugs(found) == ["back-muscle-spasms"]
    assert not_icd.status_code == 400  # not an ICD-10-CM code at all


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"code": "1234"},
        {"code": "not a code"},
        {"code": "M62.830", "system": "1.2.3"},
        {"page": "0"},
        {"page": "two"},
        {"page": "10000"},
    ],
)
def test_a_malformed_filter_gets_a_400_saying_what_is_wrong(client, spasms, query):
    response = client.get("/api/v1/articles", query)

    assert response.status_code == 400
    body = response.json()
    assert body["licence"] == settings.CONTENT_LICENCE
    assert len(body["detail"]) > 10


@pytest.mark.django_db
def test_long_lists_come_in_pages_of_fifty(client):
    now = timezone.now()
    for n in range(51):
        ArticleFactory(slug=f"article-{n:02}", published_at=now - datetime.timedelta(hours=n))

    first = client.get("/api/v1/articles").json()
    second = client.get(first["next"]).json()
    past_the_last = client.get("/api/v1/articles", {"page": 3})

    assert (first["count"], first["pages"], len(first["results"])) == (51, 2, 50)
    assert first["next"] == "http://testserver/api/v1/articles?page=2"
    assert second["previous"] == "http://testserver/api/v1/articles?page=1"
    assert [a["slug"] for a in second["results"]] == ["article-50"]
    assert second["next"] is None
    assert past_the_last.status_code == 404


@pytest.mark.django_db
def test_a_list_costs_the_same_few_queries_however_long(client, django_assert_max_num_queries):
    for n in range(30):
        article = ArticleFactory()
        article.topics.add(TopicFactory(slug=f"topic-of-{n}"))
        ClinicalCodeFactory(article=article)

    # The count, the page, its topics and codes; the page cache's version and clock.
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/articles")

    assert len(response.json()["results"]) == 30


@pytest.mark.django_db
def test_topics_with_published_articles(client, spasms):
    draft().topics.add(TopicFactory(slug="only-drafts"))

    body = client.get("/api/v1/topics").json()

    assert body["licence"] == settings.CONTENT_LICENCE
    assert body["results"] == [
        {
            "slug": "back-pain",
            "name": "Back pain",
            "description": Topic.objects.get(slug="back-pain").description,
            "url": "http://testserver/topics/back-pain/",
            "articles_url": "http://testserver/api/v1/articles?topic=back-pain",
        }
    ]


# One article --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_comes_whole_sections_in_reading_order(client, spasms):
    for order, heading in enumerate(["What it is", "Things you can do"], start=1):
        save(spasms.sections.get(heading=heading), order=order * 10)
    first = spasms.sections.get(heading="What it is")
    SectionFactory(article=spasms, parent=first, heading="How it feels", order=5, body="Tight.")

    body = client.get("/api/v1/articles/back-muscle-spasms").json()

    assert body["licence"] == settings.CONTENT_LICENCE
    assert body["title"] == "Back muscle spasms"
    assert [(s["number"], s["level"], s["heading"]) for s in body["sections"]] == [
        ("1", 1, "What it is"),
        ("1.1", 2, "How it feels"),
        ("2", 1, "Things you can do"),
        ("3", 1, "When to get help"),
    ]
    urgent = body["sections"][-1]
    assert urgent["kind"] == "urgent_advice"
    assert urgent["url"] == "http://testserver/articles/back-muscle-spasms/#when-to-get-help"
    assert urgent["markdown"] == f"Call {settings.EMERGENCY_NUMBER} if you cannot move your legs."
    assert urgent["html"] == (
        f"<p>Call {settings.EMERGENCY_NUMBER} if you cannot move your legs.</p>"
    )
    assert body["reviewed_by"] == spasms.reviewed_by.get_full_name()
    assert body["help_lines"] == {
        "emergency": settings.EMERGENCY_NUMBER,
        "urgent": settings.URGENT_NUMBER,
    }


@pytest.mark.django_db
def test_section_html_is_the_sanitised_html_of_the_page(client, spasms):
    SectionFactory(
        article=spasms,
        heading="Hostile",
        body='Fine <script>alert(1)</script> <img src=x onerror="alert(2)"> [link](javascript:x)'
        "<!-- ask Dr Patel before publishing -->",
    )

    (hostile,) = [
        section
        for section in client.get("/api/v1/articles/back-muscle-spasms").json()["sections"]
        if section["heading"] == "Hostile"
    ]

    assert "<script" not in hostile["html"]
    assert "onerror" not in hostile["html"]
    assert "javascript:" not in hostile["html"]
    assert hostile["html"] == spasms.sections.get(heading="Hostile").body_html
    assert "Dr Patel" not in hostile["html"] + hostile["markdown"]  # editors' notes stay here


@pytest.mark.django_db
def test_treatments_come_with_their_cautions_and_evidence_in_the_articles_order(client, spasms):
    ArticleTreatmentFactory(
        article=spasms,
        order=2,
        treatment=TreatmentFactory(
            name="Acupuncture",
            slug="acupuncture",
            category=Treatment.Category.ALTERNATIVE,
            cautions="Not if you bleed easily. Call {urgent_number} if unsure.",
            evidence_note="Small trials; the benefit may be short-lived.",
        ),
    )
    ArticleTreatmentFactory(
        article=spasms, order=1, treatment=TreatmentFactory(name="Heat", slug="heat")
    )
    ReferenceFactory(article=spasms, title="NICE NG59", publisher="NICE", url="", accessed=None)

    body = client.get("/api/v1/articles/back-muscle-spasms").json()

    assert [t["slug"] for t in body["treatments"]] == ["heat", "acupuncture"]
    acupuncture = body["treatments"][1]
    assert acupuncture["category"] == "alternative"
    assert acupuncture["category_name"] == "Alternative treatments"
    assert acupuncture["cautions"] == (
        f"Not if you bleed easily. Call {settings.URGENT_NUMBER} if unsure."
    )
    assert acupuncture["evidence_note"] == "Small trials; the benefit may be short-lived."
    assert body["references"][-1] == {
        "title": "NICE NG59",
        "publisher": "NICE",
        "url": "",
        "accessed": None,
    }


@pytest.mark.django_db
def test_an_article_carries_its_care_card_red_flags_whole(client):
    call_command("load_demo_content", verbosity=0)
    article = Article.objects.get(slug="back-muscle-spasms")
    client.get("/api/v1/articles")  # whatever was cached before, the card is the page's

    body = client.get(f"/api/v1/articles/{article.slug}").json()
    page = client.get(article.get_absolute_url()).content.decode()

    levels = [tier["level"] for tier in body["care_card"]]
    assert levels[0] == "emergency"
    assert levels == sorted(levels, key=["emergency", "urgent", "gp"].index)
    signs = [sign for tier in body["care_card"] for sign in tier["signs"]]
    assert signs
    for red_flag in RedFlag.objects.live().filter(topic__articles=article):
        assert red_flag.noticed in signs
    for tier in body["care_card"]:
        assert "{" not in tier["heading"]
        for sign in tier["signs"]:
            assert sign.replace("'", "&#x27;") in page or sign in page
    assert body["related"], "the demo spasms article has related reading"
    assert all(related["slug"] != article.slug for related in body["related"])


@pytest.mark.django_db
def test_an_article_past_its_review_date_says_so(client, spasms):
    Article.objects.filter(pk=spasms.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )

    body = client.get("/api/v1/articles/back-muscle-spasms").json()

    assert body["review_overdue"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [
        lambda: draft(slug="hidden"),
        lambda: ArticleFactory(
            slug="hidden", published_at=timezone.now() + datetime.timedelta(days=1)
        ),
        lambda: ArticleFactory(slug="hidden", status=Article.Status.UNPUBLISHED),
        lambda: None,
    ],
    ids=["draft", "scheduled", "unpublished", "missing"],
)
def test_only_published_articles_are_given(client, make):
    make()

    response = client.get("/api/v1/articles/hidden")

    assert response.status_code == 404
    assert response.json() == {
        "licence": settings.CONTENT_LICENCE,
        "detail": "We have no published article “hidden”.",
    }


@pytest.mark.django_db
def test_a_draft_beside_a_live_article_is_never_given(client, spasms, clinician):
    being_corrected = spasms.start_draft(clinician)
    Section.objects.filter(article=being_corrected, heading="What it is").update(
        body="Unchecked words."
    )

    body = client.get("/api/v1/articles/back-muscle-spasms").json()

    assert "Unchecked" not in str(body)
    assert client.get(f"/api/v1/articles/{being_corrected.slug}").status_code == 404


@pytest.mark.django_db
def test_an_article_costs_a_few_queries(client, spasms, django_assert_max_num_queries):
    for _ in range(5):
        ArticleTreatmentFactory(article=spasms)
        SectionFactory(article=spasms)
    Article.objects.filter(pk=spasms.pk).refresh_page_parts()

    # The article with its stored parts, its codes, its sections' Markdown, its related
    # reading, its topics' care card (kept per version after); the page cache's two.
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/articles/back-muscle-spasms")

    assert response.status_code == 200
