"""Publishing through the admin is refused, with a clear list, while the page is unsafe;
nothing the clinician typed is lost, and an accepted harder section is kept in history."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Section, Topic

from .admin_forms import change_form_data, change_url
from .factories import (
    ClinicianFactory,
    ReferenceFactory,
    SectionFactory,
    draft,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db

S = Article.Status
HARD = (
    "Musculoskeletal pathophysiology encompasses multifactorial neuromuscular "
    "dysregulation, necessitating comprehensive interdisciplinary evaluation and "
    "individualised pharmacological intervention strategies."
)


def publish(client, article, **changes):
    """Open the change page, make `changes` (POST names) and ask to publish."""
    page = client.get(change_url(article))
    data = change_form_data(page)
    data.update({"status": S.PUBLISHED, **changes})
    return client.post(change_url(article), data), page


def field_of(page, model, heading, field):
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            for form in inline.formset.forms:
                if form.instance.heading == heading:
                    return form[field].html_name
    raise AssertionError(heading)


def in_review(**fields):
    article = draft(**fields)
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)
    article.refresh_from_db()
    return article


def test_a_page_with_no_sources_cannot_be_published_and_keeps_the_typed_text(
    clinician_client,
):
    article = in_review(title="Cramp at night")
    SectionFactory(article=article, heading="When to get help", kind=Section.Kind.URGENT_ADVICE)

    response, _ = publish(clinician_client, article, standfirst="My new, careful standfirst.")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This article cannot be published yet:" in html
    assert "There are no references: add the sources this advice rests on." in html
    assert "My new, careful standfirst." in html  # the box still holds what was typed
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert article.standfirst != "My new, careful standfirst."
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_a_page_that_never_says_when_to_get_help_cannot_be_published(clinician_client):
    article = in_review()
    ReferenceFactory(article=article)

    response, _ = publish(clinician_client, article)

    assert response.status_code == 200
    assert "Readers are not told when to get medical help" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_a_topic_with_a_care_card_tells_readers_when_to_get_help(clinician_client):
    article = in_review()
    ReferenceFactory(article=article)
    article.topics.add(Topic.objects.get(slug="back-pain"))  # its red flags ship with the app

    response, _ = publish(clinician_client, article)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_adding_the_missing_parts_in_the_same_save_lets_it_publish(clinician_client):
    article = in_review()

    response, _ = publish(
        clinician_client,
        article,
        **{
            "sections-TOTAL_FORMS": "1",
            "sections-0-order": "10",
            "sections-0-heading": "When to get help",
            "sections-0-kind": Section.Kind.URGENT_ADVICE,
            "sections-0-body": "Call {emergency_number} if your legs go weak.",
            "references-TOTAL_FORMS": "1",
            "references-0-order": "1",
            "references-0-title": "Back pain",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_a_section_above_the_reading_limit_blocks_until_a_reason_is_given(clinician_client):
    article = ready_to_publish(in_review())
    SectionFactory(article=article, heading="Why it happens", body=HARD)

    refused, page = publish(clinician_client, article)

    assert refused.status_code == 200
    assert "The section “Why it happens” reads at grade" in refused.content.decode()

    tick = field_of(page, Section, "Why it happens", "harder_reading_accepted")
    reason = field_of(page, Section, "Why it happens", "harder_reading_reason")
    accepted, _ = publish(
        clinician_client, article, **{tick: "on", reason: "Quotes the specialist's letter."}
    )

    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED
    section = Section.objects.get(article=article, heading="Why it happens")
    [version] = Version.objects.get_for_object(section)
    assert version.field_dict["harder_reading_accepted"] is True
    assert version.field_dict["harder_reading_reason"] == "Quotes the specialist's letter."


def test_accepting_harder_reading_needs_a_reason(clinician_client):
    article = ready_to_publish(in_review())
    SectionFactory(article=article, heading="Why it happens", body=HARD)
    page = clinician_client.get(change_url(article))
    tick = field_of(page, Section, "Why it happens", "harder_reading_accepted")

    response, _ = publish(clinician_client, article, **{tick: "on"})

    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_a_reviewer_readers_cannot_name_cannot_sign_off(client):
    nameless = ClinicianFactory(first_name="", last_name="")
    client.force_login(nameless)
    article = ready_to_publish(in_review())

    response, _ = publish(client, article)

    assert response.status_code == 200
    assert "ask an administrator to add your name" in response.content.decode()


def test_an_edit_cannot_take_the_sources_off_a_live_page(clinician_client):
    article = ready_to_publish(in_review())
    Article.objects.filter(pk=article.pk).update(status=S.PUBLISHED)
    page = clinician_client.get(change_url(article))
    data = change_form_data(page)
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model.__name__ == "Reference":
            for form in inline.formset.forms:
                data[f"{form.prefix}-DELETE"] = "on"

    response = clinician_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "There are no references" in response.content.decode()
    assert article.references.exists()


def test_editing_a_live_page_keeps_its_named_reviewer_whoever_edits(client):
    """The sign-off stays the earlier reviewer's: the editing clinician's own name is not
    what readers see, so it is not what the check asks for."""
    nameless = ClinicianFactory(first_name="", last_name="")
    client.force_login(nameless)
    article = ready_to_publish(in_review())
    Article.objects.filter(pk=article.pk).update(
        status=S.PUBLISHED, reviewed_by=ClinicianFactory(first_name="Jo", last_name="Named")
    )

    response, _ = publish(client, article, title="A clearer title")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).title == "A clearer title"


def test_restoring_a_published_version_is_a_sign_off_and_is_checked_as_one(client):
    """A restore of a published version signs the page off as whoever restores it."""
    signer = Client()
    signer.force_login(ClinicianFactory())
    article = ready_to_publish(in_review())
    publish(signer, article)
    submit = change_form_data(signer.get(change_url(article)))
    signer.post(change_url(article), {**submit, "status": S.UNPUBLISHED})
    published_version = Version.objects.get_for_object(article).order_by("pk")[0]
    nameless = ClinicianFactory(first_name="", last_name="")
    client.force_login(nameless)
    url = reverse("admin:articles_article_revision", args=[article.pk, published_version.pk])

    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 200
    assert "ask an administrator to add your name" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.UNPUBLISHED
