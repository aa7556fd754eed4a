"""What a reader sees on an article page, and what it costs the database."""

import pytest
from django.urls import reverse

from articles.models import Section, Treatment

from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_article_url_is_readable():
    article = ArticleFactory(slug="back-muscle-spasms")

    assert article.get_absolute_url() == "/articles/back-muscle-spasms/"


def test_page_shows_title_standfirst_and_review_details(client):
    article = ArticleFactory(
        title="Back muscle spasms",
        standfirst="Why backs go into spasm and what helps.",
        reviewed_by__first_name="Priya",
        reviewed_by__last_name="Shah",
        last_reviewed="2026-10-01",
        next_review_due="2027-10-01",
    )

    html = page(client, article)

    assert html.count("<h1") == 1
    assert "<h1>Back muscle spasms</h1>" in html
    assert "Why backs go into spasm and what helps." in html
    assert "Reviewed by Priya Shah" in html
    assert "Last reviewed 1 October 2026" in html
    assert "Next review due 1 October 2027" in html


def test_contents_link_to_numbered_sections_and_sub_sections(client):
    article = ArticleFactory()
    treatments = SectionFactory(article=article, heading="Treatments", order=10)
    SectionFactory(article=article, heading="Alternative treatments", parent=treatments, order=20)

    html = page(client, article)

    assert '<a href="#treatments-2"><span class="section-number">1.</span> Treatments</a>' in html
    assert (
        '<a href="#alternative-treatments"><span class="section-number">1.1</span> '
        "Alternative treatments</a>" in html
    )
    assert '<h2 id="treatments-2" class="section-heading">' in html
    assert '<h3 id="alternative-treatments" class="section-heading">' in html


def test_urgent_advice_is_a_callout_with_the_emergency_numbers_and_linked_from_the_top(
    client, settings
):
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116 117"
    article = ArticleFactory()
    SectionFactory(article=article, heading="Causes")
    SectionFactory(
        article=article,
        heading="When to get help",
        kind=Section.Kind.URGENT_ADVICE,
        body="- numbness around your bottom",
    )

    html = page(client, article)

    assert 'class="article-section urgent-advice"' in html
    assert "Call 112 or go to the nearest emergency department now" in html
    assert "For urgent advice, call 116 117" in html
    header = html.split('<nav class="contents"')[0]
    assert '<p class="urgent-pointer"><a href="#when-to-get-help">' in header


def test_section_bodies_are_sanitised_on_the_page(client):
    article = ArticleFactory()
    SectionFactory(
        article=article, body='Hi <script>alert("x")</script><img src=x onerror=alert(1)>'
    )

    html = page(client, article)

    assert "alert" not in html


def test_titles_are_escaped(client):
    article = ArticleFactory(title="<b>Bold</b> & back pain")

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; back pain" in page(client, article)


def test_treatments_are_grouped_by_category_in_the_articles_order(client):
    article = ArticleFactory()
    SectionFactory(article=article, heading="Treatments", kind=Section.Kind.TREATMENTS)
    SectionFactory(
        article=article,
        heading="Other treatments",
        kind=Section.Kind.ALTERNATIVE_TREATMENTS,
        parent=article.sections.get(),
    )
    for order, (name, category) in enumerate(
        [
            ("Massage", Treatment.Category.ALTERNATIVE),
            ("Ibuprofen", Treatment.Category.MEDICINE),
            ("Heat packs", Treatment.Category.SELF_CARE),
            ("Keep moving", Treatment.Category.SELF_CARE),
        ]
    ):
        ArticleTreatmentFactory(
            article=article,
            order=order,
            treatment=TreatmentFactory(
                name=name, category=category, evidence_note=f"Evidence for {name}."
            ),
        )

    body = page(client, article).split('<nav class="contents"')[1].split("</nav>")[1]

    positions = [
        body.index(text)
        for text in [
            "Things you can do yourself",
            "Heat packs",
            "Keep moving",
            "Medicines",
            "Ibuprofen",
            "Other treatments",
            "Massage",
            "Evidence for Massage.",
        ]
    ]
    assert positions == sorted(positions)
    # Alternatives are listed in their own sub-section, not repeated under the main one.
    assert body.count("Massage</h4>") == 1


def test_chosen_treatments_are_never_hidden_when_no_section_lists_them(client):
    article = ArticleFactory()
    SectionFactory(article=article, heading="Causes")
    ArticleTreatmentFactory(
        article=article,
        treatment=TreatmentFactory(name="Chiropractic", category=Treatment.Category.ALTERNATIVE),
    )

    html = page(client, article)

    assert '<h2 id="treatments-heading">Treatments</h2>' in html
    assert "Chiropractic" in html


def test_references_and_disclaimer_close_the_article(client):
    article = ArticleFactory()
    ReferenceFactory(
        article=article,
        title="Low back pain and sciatica in over 16s",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/ng59",
        accessed="2026-10-01",
    )

    html = page(client, article)

    assert (
        '<a href="https://www.nice.org.uk/guidance/ng59" rel="noopener noreferrer">'
        "Low back pain and sciatica in over 16s</a>, NICE. Accessed 1 October 2026." in html
    )
    assert "About this information" in html
    assert "does not replace advice" in html


def test_print_stylesheet_is_linked(client):
    html = page(client, ArticleFactory())

    assert 'href="/static/articles/css/print.css" media="print"' in html


def build_article(sections, treatments, references):
    article = ArticleFactory()
    parent = None
    for number in range(sections):
        section = SectionFactory(
            article=article,
            parent=parent if number % 3 == 2 else None,
            kind=Section.Kind.TREATMENTS if number == 0 else Section.Kind.NORMAL,
        )
        if number % 3 == 0:
            parent = section
    for _ in range(treatments):
        ArticleTreatmentFactory(article=article)
    for _ in range(references):
        ReferenceFactory(article=article)
    related = ArticleFactory()
    article.related_articles.add(related)
    topic = TopicFactory(name="Back pain", slug="back-pain")
    ArticleFactory().topics.add(topic)
    article.topics.add(topic)
    return article


@pytest.mark.parametrize(
    ("sections", "treatments", "references"), [(3, 0, 0), (3, 2, 1), (60, 20, 20)]
)
def test_article_page_query_count_is_constant(
    client, django_assert_max_num_queries, sections, treatments, references
):
    article = build_article(sections, treatments, references)

    # Two of these build the care card: the topic's red flags and the tiers' headings. No
    # count of the comments (stored on the article), one query for related articles, and
    # the article's parts stored with it (articles/models/page_parts.py).
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    # The sections, and the "when to get medical help" care card the article lacked.
    assert html.count('class="section-heading"') == sections + 1
    assert 'id="care-card"' in html


@pytest.mark.parametrize("sections", [3, 60])
def test_article_page_query_count_for_staff_stays_bounded(
    clinician_client, django_assert_max_num_queries, sections
):
    article = build_article(sections, 20, 20)

    with django_assert_max_num_queries(6):
        response = clinician_client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_home_lists_published_articles_newest_first(client):
    older = ArticleFactory(title="Older", published_at="2026-01-01T09:00Z")
    newer = ArticleFactory(title="Newer", published_at="2026-06-01T09:00Z")

    html = client.get(reverse("articles:home")).content.decode()

    assert html.index(newer.title) < html.index(older.title)
    assert newer.standfirst in html


def test_a_back_pain_article_links_to_the_symptom_checker_and_its_urgent_section_offers_it(
    client,
):
    """The checker is for back pain: articles of that topic offer it (others do not, see
    test_care_card)."""
    article = ArticleFactory()
    article.topics.add(TopicFactory(slug="back-pain"))
    SectionFactory(article=article, heading="When to get help", kind=Section.Kind.URGENT_ADVICE)

    html = page(client, article)

    checker = reverse("triage:checker")
    header = html.split('<nav class="contents"')[0]
    assert f'<a href="{checker}">Use our back pain symptom checker</a>' in header
    urgent = html.split('class="article-section urgent-advice"')[1].split(
        '<div class="section-body">'
    )[1]
    assert f'<a href="{checker}">Answer a few questions in our symptom checker</a>' in urgent


def test_the_home_page_lists_twenty_articles_a_page_with_a_way_to_the_rest(
    client, django_assert_max_num_queries
):
    for number in range(45):
        ArticleFactory(title=f"Article {number:02d}")

    with django_assert_max_num_queries(6):
        first = client.get("/").content.decode()
    last = client.get("/?page=3").content.decode()

    assert first.count('<li>\n    <h2><a href="/articles/') == 20
    assert "Page 1 of 3" in first
    assert 'href="?page=2" rel="next">Older articles' in first
    assert last.count('<li>\n    <h2><a href="/articles/') == 5
    assert 'href="?page=2" rel="prev">Newer articles' in last
