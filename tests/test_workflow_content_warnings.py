"""Content gaps are warnings clinicians and editors see on an article. The gaps that make a
page unsafe (no urgent advice, no sources) also block publishing: see
test_publish_checks_admin.py; the others never do."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, Section

from .admin_forms import change_form_data, change_url, submit_admin_page
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    EditorFactory,
    ReferenceFactory,
    SectionFactory,
    TreatmentFactory,
    draft,
)

pytestmark = pytest.mark.django_db

S = Article.Status
ALL_GAPS = [
    "No “urgent advice” section: readers need to know when to get help.",
    "No references: add the sources this article rests on.",
    "The section “Causes” has no text.",
    "The treatment “Muscle rub” has no cautions (who should not use it).",
]


@pytest.fixture
def public():
    """A reader's browser, apart from the staff member's signed-in client."""
    return Client()


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory(first_name="Eddie", last_name="Editor"))
    return client


def warning_messages(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


@pytest.fixture
def article_with_gaps():
    article = ArticleFactory(title="Full of gaps")
    SectionFactory(article=article, heading="Symptoms", body="Tight, sore muscles.")
    SectionFactory(article=article, heading="Causes", body="  \n ")
    ArticleTreatmentFactory(
        article=article, treatment=TreatmentFactory(name="Muscle rub", cautions="")
    )
    ArticleTreatmentFactory(article=article, treatment=TreatmentFactory(name="Heat"))
    return article


def test_content_warnings_list_every_gap(article_with_gaps):
    assert article_with_gaps.content_warnings() == ALL_GAPS


def test_the_change_page_shows_the_content_warnings(clinician_client, article_with_gaps):
    html = clinician_client.get(change_url(article_with_gaps)).content.decode()

    for warning in ALL_GAPS:
        assert f"⚠ {warning}" in html
    assert "No problems found." not in html
    assert "has no cautions" not in html.replace(ALL_GAPS[3], "")  # only that treatment


def test_editors_see_the_content_warnings_too(editor_client):
    article = draft()

    html = editor_client.get(change_url(article)).content.decode()

    assert "No references: add the sources this article rests on." in html


def test_saving_still_succeeds_and_shows_the_warnings_as_messages(
    clinician_client, article_with_gaps
):
    Article.objects.filter(pk=article_with_gaps.pk).update(status=S.DRAFT)
    retitled = {"title": "Still full of gaps"}

    response = submit_admin_page(
        clinician_client, change_url(article_with_gaps), retitled, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 302
    assert warning_messages(response) == ALL_GAPS
    article_with_gaps.refresh_from_db()
    assert article_with_gaps.title == "Still full of gaps"


def test_gaps_that_leave_readers_safe_never_stop_a_clinician_publishing(
    clinician_client, article_with_gaps, public
):
    SectionFactory(article=article_with_gaps, heading="Get help", kind=Section.Kind.URGENT_ADVICE)
    ReferenceFactory(article=article_with_gaps)
    Article.objects.filter(pk=article_with_gaps.pk).update(status=S.IN_REVIEW)
    published = {"status": S.PUBLISHED}

    response = submit_admin_page(
        clinician_client, change_url(article_with_gaps), published, follow=True
    )

    assert warning_messages(response) == ALL_GAPS[2:]  # an empty section, a missing caution
    article_with_gaps.refresh_from_db()
    assert article_with_gaps.status == S.PUBLISHED
    assert public.get(article_with_gaps.get_absolute_url()).status_code == 200


def test_warnings_reflect_what_was_just_saved(clinician_client):
    article = ArticleFactory()
    SectionFactory(article=article, heading="Get help", kind=Section.Kind.URGENT_ADVICE)
    empty = SectionFactory(article=article, heading="Causes", body="")
    data = change_form_data(clinician_client.get(change_url(article)))
    index = next(i for i in range(2) if data[f"sections-{i}-id"] == str(empty.pk))
    data[f"sections-{index}-body"] = "Lifting badly."
    data.update(
        {
            "references-TOTAL_FORMS": "1",
            "references-0-title": "Back pain",
            "references-0-order": "1",
            "references-0-url": "https://www.nhs.uk/conditions/back-pain/",
        }
    )

    response = clinician_client.post(change_url(article), data, follow=True)

    assert warning_messages(response) == []
    assert "No problems found." in clinician_client.get(change_url(article)).content.decode()


def test_a_complete_article_has_no_warnings(clinician_client):
    article = ArticleFactory()
    SectionFactory(article=article, heading="When to get help", kind=Section.Kind.URGENT_ADVICE)
    ReferenceFactory(article=article)
    ArticleTreatmentFactory(article=article)

    assert article.content_warnings() == []
    assert "No problems found." in clinician_client.get(change_url(article)).content.decode()


def test_the_add_page_explains_checks_come_after_saving(clinician_client):
    html = clinician_client.get(reverse("admin:articles_article_add")).content.decode()

    assert "Shown once the article is saved." in html
