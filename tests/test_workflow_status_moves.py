"""Editors draft and submit, clinicians move articles on; a forged move is refused."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from articles.models import Article

from .admin_forms import change_form_data, change_url, submit_admin_page
from .factories import ArticleFactory, EditorFactory, SectionFactory, UserFactory, draft

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="Eddie", last_name="Editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def status_choices(response):
    return [value for value, _ in response.context["adminform"].form.fields["status"].choices]


# The status select offers only allowed moves ------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.DRAFT, [S.DRAFT, S.IN_REVIEW]),
        (S.IN_REVIEW, [S.DRAFT, S.IN_REVIEW]),
    ],
)
def test_an_editor_is_offered_only_draft_and_in_review(editor_client, status, offered):
    article = ArticleFactory(status=status, published_at=None)

    response = editor_client.get(change_url(article))

    assert response.status_code == 200
    assert status_choices(response) == offered


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.DRAFT, [S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED]),
        (S.IN_REVIEW, [S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED]),
        (S.PUBLISHED, [S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED]),
        (S.UNPUBLISHED, [S.DRAFT, S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED]),
        (S.ARCHIVED, [S.DRAFT, S.ARCHIVED]),
    ],
)
def test_a_clinician_is_offered_the_workflow_moves_from_each_status(
    clinician_client, status, offered
):
    article = ArticleFactory(status=status)

    response = clinician_client.get(change_url(article))

    assert status_choices(response) == offered


def test_a_new_article_offers_an_editor_draft_or_review_and_a_clinician_publishing_too(
    client, editor, clinician
):
    url = reverse("admin:articles_article_add")
    client.force_login(editor)
    assert status_choices(client.get(url)) == [S.DRAFT, S.IN_REVIEW]

    client.force_login(clinician)
    assert status_choices(client.get(url)) == [S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED]


def test_allowed_statuses_follow_the_users_permissions(editor, clinician):
    reader = UserFactory()
    article = draft()

    assert article.allowed_statuses(reader) == [S.DRAFT]
    assert article.allowed_statuses(editor) == [S.DRAFT, S.IN_REVIEW]
    assert set(article.allowed_statuses(clinician)) == {
        S.DRAFT,
        S.IN_REVIEW,
        S.PUBLISHED,
        S.ARCHIVED,
    }


# Editors submit; forged moves are refused -----------------------------------------------------


def test_an_editor_submits_a_draft_for_review(editor_client):
    article = draft(title="Stretching")
    SectionFactory(article=article, body="Stretch gently.")

    response = submit_admin_page(editor_client, change_url(article), {"status": S.IN_REVIEW})

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert article.reviewed_by is None
    assert article.last_reviewed is None
    assert not article.is_public


def test_an_editor_sends_an_article_back_from_review_to_draft(editor_client):
    article = draft()
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)

    response = submit_admin_page(editor_client, change_url(article), {"status": S.DRAFT})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.DRAFT


def test_an_editor_drafts_a_new_article_through_the_admin(editor_client):
    heat_or_ice = {
        "title": "Heat or ice?",
        "slug": "heat-or-ice",
        "standfirst": "Which helps.",
        "sections-TOTAL_FORMS": "1",
        "sections-0-heading": "Heat",
        "sections-0-order": "10",
        "sections-0-kind": "normal",
        "sections-0-body": "Hot.",
    }

    response = submit_admin_page(editor_client, reverse("admin:articles_article_add"), heat_or_ice)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="heat-or-ice")
    assert article.status == S.DRAFT
    assert list(article.sections.values_list("heading", flat=True)) == ["Heat"]


@pytest.mark.parametrize("forged", [S.PUBLISHED, S.ARCHIVED, S.UNPUBLISHED])
@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW])
def test_an_editor_forging_a_publish_is_refused_with_a_form_error(editor_client, status, forged):
    article = draft()
    Article.objects.filter(pk=article.pk).update(status=status)

    response = submit_admin_page(editor_client, change_url(article), {"status": forged})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    article.refresh_from_db()
    assert article.status == status
    assert article.reviewed_by is None
    assert article.published_at is None


def test_an_editor_cannot_create_an_article_already_published(editor_client):
    sneaky = {
        "title": "Sneaky",
        "slug": "sneaky",
        "standfirst": "Straight out.",
        "status": S.PUBLISHED,
    }

    response = submit_admin_page(editor_client, reverse("admin:articles_article_add"), sneaky)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    assert not Article.objects.filter(slug="sneaky").exists()


@pytest.mark.parametrize(("status", "forged"), [(S.PUBLISHED, S.DRAFT), (S.ARCHIVED, S.PUBLISHED)])
def test_a_clinician_forging_a_move_outside_the_workflow_is_refused(
    clinician_client, status, forged
):
    article = ArticleFactory(status=status)

    response = submit_admin_page(clinician_client, change_url(article), {"status": forged})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    article.refresh_from_db()
    assert article.status == status


def test_the_form_itself_refuses_a_status_the_user_may_not_choose(editor):
    """Even if the select offered it, clean_status checks the move again."""
    from articles.admin import ArticleForm

    article = draft()
    meta = type("Meta", (), {"model": Article, "fields": ["status"]})
    form_class = type("Form", (ArticleForm,), {"user": editor, "Meta": meta})
    form = form_class(instance=article)
    form.fields["status"].choices = Article.Status.choices  # as if the select were forged
    form.cleaned_data = {"status": S.PUBLISHED}

    with pytest.raises(forms.ValidationError, match="You cannot move the article"):
        form.clean_status()


def test_an_editor_cannot_set_the_reviewer_or_review_dates(editor_client, clinician):
    article = draft(next_review_due=datetime.date(2026, 3, 1))
    review = {
        "reviewed_by": str(clinician.pk),
        "last_reviewed": "2026-01-01",
        "next_review_due": "2030-01-01",
    }

    assert submit_admin_page(editor_client, change_url(article), review).status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by is None
    assert article.last_reviewed is None
    assert article.next_review_due == datetime.date(2026, 3, 1)


# Editors cannot change what readers can see --------------------------------------------------


@pytest.mark.parametrize("status", [S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED])
def test_an_editor_only_views_an_article_past_review(client, editor, clinician, status):
    article = ArticleFactory(title="Signed off", status=status)
    section = SectionFactory(article=article, body="Checked words.")
    client.force_login(clinician)
    data = change_form_data(client.get(change_url(article)))
    data["title"] = "Edited by an editor"
    data["sections-0-body"] = "Unchecked words."
    client.force_login(editor)

    page = client.get(change_url(article))
    response = client.post(change_url(article), data)

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    article.refresh_from_db()
    section.refresh_from_db()
    assert (article.title, article.status, section.body) == ("Signed off", status, "Checked words.")


def test_an_editor_cannot_unpublish_or_archive_from_the_article_list(editor_client):
    ArticleFactory(title="Live article")

    response = editor_client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 200
    assert "Live article" in response.content.decode()
    assert set(response.context["cl"].model_admin.get_actions(response.wsgi_request)) == set()
