"""Article history: each admin change is a version with its author; compare and restore."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Section

from .admin_forms import admin_url, change_form_data, save_through_admin, submit_admin_page
from .factories import (
    ArticleFactory,
    ClinicianFactory,
    EditorFactory,
    ModeratorFactory,
    SectionFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(db):
    editor = EditorFactory(first_name="Eddie", last_name="Editor")
    client = Client()
    client.force_login(editor)
    return client


def versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk"))


def section_body_field(client, article, section):
    data = change_form_data(client.get(admin_url(article, "change")))
    return next(
        key.replace("-id", "-body")
        for key, value in data.items()
        if key.startswith("sections-") and key.endswith("-id") and value == str(section.pk)
    )


@pytest.fixture
def article_with_two_versions(clinician_client):
    """An article saved twice through the admin; the second save rewrites the advice."""
    article = ArticleFactory(
        title="Back spasms",
        standfirst="Rest helps.",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    section = SectionFactory(article=article, heading="What to do", body="Rest for a day.")
    save_through_admin(clinician_client, article)
    body = section_body_field(clinician_client, article, section)
    save_through_admin(
        clinician_client, article, standfirst="Keep moving.", **{body: "Keep moving gently."}
    )
    section.refresh_from_db()
    assert section.body == "Keep moving gently."
    return article, section


# Every change is a version ----------------------------------------------------------------


def test_a_change_through_the_admin_is_a_version_with_its_author(clinician_client, clinician):
    article = ready_to_publish(ArticleFactory())
    assert versions(article) == []

    save_through_admin(clinician_client, article, title="Back spasms: what helps")

    [version] = versions(article)
    assert version.revision.user == clinician
    assert version.field_dict["title"] == "Back spasms: what helps"
    assert "Title" in version.revision.get_comment()


def test_an_editors_change_is_recorded_under_the_editors_name(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    save_through_admin(editor_client, article, standfirst="Shorter.")

    [version] = versions(article)
    assert version.revision.user.get_full_name() == "Eddie Editor"


def test_a_version_holds_the_sections_as_they_were(article_with_two_versions):
    article, section = article_with_two_versions

    first, second = versions(article)

    def body_in(version):
        [section_version] = [
            v
            for v in version.revision.version_set.all()
            if v._model is Section and v.object_id == str(section.pk)
        ]
        return section_version.field_dict["body"]

    assert body_in(first) == "Rest for a day."
    assert body_in(second) == "Keep moving gently."


def test_the_history_page_lists_who_changed_the_article(
    clinician_client, clinician, article_with_two_versions
):
    article, _ = article_with_two_versions

    response = clinician_client.get(admin_url(article, "history"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(clinician.get_full_name()) >= 2
    for version in versions(article):
        assert admin_url(article, "revision", version.pk) in html


def test_an_editor_can_read_the_history(editor_client, article_with_two_versions):
    article, _ = article_with_two_versions

    assert editor_client.get(admin_url(article, "history")).status_code == 200


def test_the_history_page_loads_for_an_article_with_no_versions(clinician_client):
    article = ArticleFactory()

    response = clinician_client.get(admin_url(article, "history"))

    assert response.status_code == 200


# Compare ----------------------------------------------------------------------------------


def test_a_clinician_compares_two_versions(clinician_client, article_with_two_versions):
    article, _ = article_with_two_versions
    first, second = versions(article)

    response = clinician_client.get(
        admin_url(article, "compare"), {"version_id1": first.pk, "version_id2": second.pk}
    )

    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    # Word by word: the standfirst's and the section's old words out, the new ones in.
    assert "removed: Rest helps" in text
    assert "added: Keep moving" in text
    assert "removed: Rest for a day" in text
    assert "added: Keep moving gently" in text
    assert "Changed Standfirst. Changed Body for section" in text
    assert (response.context["version1"], response.context["version2"]) == (first, second)


def test_compare_puts_the_older_version_first_whatever_the_order_asked(
    clinician_client, article_with_two_versions
):
    article, _ = article_with_two_versions
    first, second = versions(article)

    response = clinician_client.get(
        admin_url(article, "compare"), {"version_id1": second.pk, "version_id2": first.pk}
    )

    assert (response.context["version1"], response.context["version2"]) == (first, second)


def test_compare_with_a_version_of_another_article_is_not_found(
    clinician_client, article_with_two_versions
):
    article, _ = article_with_two_versions
    other = ready_to_publish(ArticleFactory())
    save_through_admin(clinician_client, other)
    [other_version] = versions(other)

    response = clinician_client.get(
        admin_url(article, "compare"),
        {"version_id1": versions(article)[0].pk, "version_id2": other_version.pk},
    )

    assert response.status_code == 404


def test_compare_without_version_ids_is_not_found(clinician_client, article_with_two_versions):
    article, _ = article_with_two_versions

    assert clinician_client.get(admin_url(article, "compare")).status_code == 404


# Restore ----------------------------------------------------------------------------------


def test_a_clinician_restores_an_earlier_version(
    clinician_client, clinician, article_with_two_versions
):
    article, section = article_with_two_versions
    first, _ = versions(article)
    url = admin_url(article, "revision", first.pk)

    page = clinician_client.get(url)
    assert page.status_code == 200
    assert "Rest for a day." in page.content.decode()
    section.refresh_from_db()
    assert section.body == "Keep moving gently."  # looking at a version changes nothing

    response = clinician_client.post(url, change_form_data(page))

    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body == "Rest for a day."
    *_, restored = versions(article)
    assert len(versions(article)) == 3
    assert restored.revision.user == clinician
    assert restored.revision.get_comment().startswith("Reverted to previous version")
    public_page = clinician_client.get(article.get_absolute_url()).content.decode()
    assert "Rest for a day." in public_page
    assert "Keep moving gently." not in public_page


def test_restoring_removes_a_section_added_since(clinician_client, article_with_two_versions):
    article, _ = article_with_two_versions
    first, _ = versions(article)
    SectionFactory(article=article, heading="Added later", body="New text.")
    save_through_admin(clinician_client, article)
    url = admin_url(article, "revision", first.pk)

    response = submit_admin_page(clinician_client, url)

    assert response.status_code == 302
    assert list(article.sections.values_list("heading", flat=True)) == ["What to do"]


def test_restore_can_be_undone_by_restoring_the_later_version(
    clinician_client, article_with_two_versions
):
    article, section = article_with_two_versions
    first, second = versions(article)
    for version, body in [(first, "Rest for a day."), (second, "Keep moving gently.")]:
        url = admin_url(article, "revision", version.pk)
        response = submit_admin_page(clinician_client, url)
        assert response.status_code == 302
        section.refresh_from_db()
        assert section.body == body

    assert len(versions(article)) == 4


def test_an_editor_cannot_restore_a_published_article_to_an_earlier_draft(
    clinician_client, editor_client
):
    article = ArticleFactory(title="Signed off", status=Article.Status.DRAFT, published_at=None)
    section = SectionFactory(article=article, body="Unchecked draft words.")
    ready_to_publish(article)
    save_through_admin(clinician_client, article)
    body = section_body_field(clinician_client, article, section)
    save_through_admin(
        clinician_client, article, status=Article.Status.PUBLISHED, **{body: "Checked words."}
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    draft_version, _ = versions(article)
    url = admin_url(article, "revision", draft_version.pk)

    page = editor_client.get(url)
    data = change_form_data(page) if page.status_code == 200 else {}
    response = editor_client.post(url, data)

    article.refresh_from_db()
    section.refresh_from_db()
    assert (article.status, section.body) == (Article.Status.PUBLISHED, "Checked words.")
    assert response.status_code == 403


def test_restoring_a_published_version_is_a_new_sign_off(clinician_client, clinician):
    old_reviewer = ClinicianFactory()
    article = ArticleFactory(
        reviewed_by=old_reviewer,
        last_reviewed=datetime.date(2024, 1, 10),
        next_review_due=datetime.date(2025, 1, 10),
    )
    ready_to_publish(article)
    save_through_admin(clinician_client, article)
    save_through_admin(clinician_client, article, status=Article.Status.UNPUBLISHED)
    published_version, _ = versions(article)
    url = admin_url(article, "revision", published_version.pk)

    response = submit_admin_page(clinician_client, url)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.reviewed_by == clinician
    assert article.last_reviewed == timezone.localdate()


def test_a_moderator_cannot_restore_an_article(client, article_with_two_versions):
    client.force_login(ModeratorFactory())
    article, section = article_with_two_versions
    first, _ = versions(article)
    url = admin_url(article, "revision", first.pk)

    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x"}).status_code == 403
    section.refresh_from_db()
    assert section.body == "Keep moving gently."
    assert len(versions(article)) == 2
