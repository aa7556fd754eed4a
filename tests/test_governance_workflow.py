"""The editorial workflow: draft → in review → published, then unpublished or archived.

Editors draft and submit; only a clinician publishes, and publishing is a clinical sign-off.
A publish time in the future schedules an article with no background job. Content gaps are
warnings a clinician sees, never blocks.
"""

import datetime

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section, add_months

from .admin_forms import change_form_data, submit_admin_page
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicianFactory,
    EditorFactory,
    ReferenceFactory,
    SectionFactory,
    TreatmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def public():
    """A reader's browser, apart from the staff member's signed-in client."""
    return Client()


@pytest.fixture
def editor(db):
    return EditorFactory(first_name="Eddie", last_name="Editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def status_choices(response):
    return [value for value, _ in response.context["adminform"].form.fields["status"].choices]


def draft(**fields):
    return ArticleFactory(
        status=S.DRAFT, published_at=None, reviewed_by=None, last_reviewed=None, **fields
    )


def warning_messages(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


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


# Publishing is a clinical sign-off ------------------------------------------------------------


def test_a_clinician_publishing_signs_the_article_off(clinician_client, clinician, public):
    article = draft(title="Back spasms")
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)
    someone_else = ClinicianFactory()
    # Whatever the page sends for the review fields, the sign-off records who and when.
    changes = {
        "status": S.PUBLISHED,
        "reviewed_by": str(someone_else.pk),
        "last_reviewed": "2001-01-01",
        "next_review_due": "2001-02-01",
    }

    response = submit_admin_page(clinician_client, change_url(article), changes)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    today = timezone.localdate()
    assert article.status == S.PUBLISHED
    assert article.reviewed_by == clinician
    assert article.last_reviewed == today
    assert article.next_review_due == add_months(today, 12)
    assert article.published_at is not None
    assert article.published_at <= timezone.now()
    page = public.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f"Reviewed by {clinician.get_full_name()}" in page.content.decode()


def test_a_clinician_creating_a_published_article_signs_it_off(clinician_client, clinician):
    ready = {
        "title": "Straight out",
        "slug": "straight-out",
        "standfirst": "Ready.",
        "status": "published",
    }

    response = submit_admin_page(clinician_client, reverse("admin:articles_article_add"), ready)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="straight-out")
    assert article.reviewed_by == clinician
    assert article.last_reviewed == timezone.localdate()
    assert article.is_public


def test_republishing_an_unpublished_article_is_a_new_sign_off(clinician_client, clinician):
    old_reviewer = ClinicianFactory()
    article = ArticleFactory(
        status=S.UNPUBLISHED,
        reviewed_by=old_reviewer,
        last_reviewed=datetime.date(2020, 5, 1),
        next_review_due=datetime.date(2021, 5, 1),
    )

    response = submit_admin_page(clinician_client, change_url(article), {"status": S.PUBLISHED})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by == clinician
    assert article.last_reviewed == timezone.localdate()
    assert not article.review_overdue


def test_the_review_interval_comes_from_the_settings(clinician_client, settings):
    settings.REVIEW_INTERVAL_MONTHS = 6
    article = draft()

    response = submit_admin_page(clinician_client, change_url(article), {"status": S.PUBLISHED})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.next_review_due == add_months(timezone.localdate(), 6)


def test_signing_off_on_29_february_makes_the_next_review_due_on_28_february(
    clinician_client, clinician, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2024, 2, 29))
    article = draft()

    response = submit_admin_page(clinician_client, change_url(article), {"status": S.PUBLISHED})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.last_reviewed == datetime.date(2024, 2, 29)
    assert article.next_review_due == datetime.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), 48, datetime.date(2028, 2, 29)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 8, 31), 1, datetime.date(2025, 9, 30)),
        (datetime.date(2025, 10, 31), 4, datetime.date(2026, 2, 28)),
        (datetime.date(2025, 12, 31), 12, datetime.date(2026, 12, 31)),
        (datetime.date(2025, 12, 15), 1, datetime.date(2026, 1, 15)),
        (datetime.date(2025, 3, 15), 0, datetime.date(2025, 3, 15)),
        (datetime.date(2025, 3, 15), 25, datetime.date(2027, 4, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_sign_off_records_who_when_and_the_next_review(clinician, settings):
    settings.REVIEW_INTERVAL_MONTHS = 12
    article = draft()

    article.sign_off(clinician, today=datetime.date(2023, 8, 31))

    assert article.reviewed_by == clinician
    assert article.last_reviewed == datetime.date(2023, 8, 31)
    assert article.next_review_due == datetime.date(2024, 8, 31)


def test_editing_a_published_article_does_not_count_as_a_new_review(clinician_client):
    reviewer = ClinicianFactory()
    article = ArticleFactory(reviewed_by=reviewer, last_reviewed=datetime.date(2026, 1, 5))
    clearer = {"standfirst": "A clearer summary."}

    assert submit_admin_page(clinician_client, change_url(article), clearer).status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "A clearer summary."
    assert (article.reviewed_by, article.last_reviewed) == (reviewer, datetime.date(2026, 1, 5))


@pytest.mark.parametrize("status", [S.UNPUBLISHED, S.ARCHIVED])
def test_a_clinician_takes_an_article_down(clinician_client, public, status):
    article = ArticleFactory(title="Going away")

    response = submit_admin_page(clinician_client, change_url(article), {"status": status})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == status
    assert public.get(article.get_absolute_url()).status_code == 404
    assert "Going away" not in public.get(reverse("articles:home")).content.decode()


# Scheduled publishing ------------------------------------------------------------------------


@pytest.fixture
def frozen_now(monkeypatch):
    """Stop the clock at one instant for the whole request, so boundaries are exact."""
    instant = timezone.now().replace(microsecond=500_000)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


@pytest.mark.parametrize(
    ("offset", "visible"),
    [
        (datetime.timedelta(days=7), False),
        (datetime.timedelta(microseconds=1), False),
        (datetime.timedelta(0), True),
        (-datetime.timedelta(microseconds=1), True),
    ],
)
def test_a_scheduled_article_is_public_from_its_publish_time(client, frozen_now, offset, visible):
    article = ArticleFactory(title="Scheduled one", published_at=frozen_now + offset)

    page = client.get(article.get_absolute_url())
    home = client.get(reverse("articles:home")).content.decode()

    assert page.status_code == (200 if visible else 404)
    assert ("Scheduled one" in home) is visible
    assert (article in Article.objects.published()) is visible


def test_a_scheduled_article_appears_when_its_time_comes_with_nothing_run(client, monkeypatch):
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    article = ArticleFactory(title="Later news", published_at=publish_at)
    updated_at = article.updated_at
    real_now = timezone.now

    monkeypatch.setattr(timezone, "now", lambda: publish_at - datetime.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Later news" not in client.get(reverse("articles:home")).content.decode()

    monkeypatch.setattr(timezone, "now", lambda: publish_at + datetime.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Later news" in client.get(reverse("articles:home")).content.decode()

    monkeypatch.setattr(timezone, "now", real_now)
    article.refresh_from_db()
    assert article.updated_at == updated_at  # nothing touched the row


def test_a_clinician_schedules_an_article_through_the_admin(clinician_client, clinician, public):
    article = draft(title="Coming soon")
    when = timezone.localtime() + datetime.timedelta(days=3)
    scheduled = {
        "status": S.PUBLISHED,
        "published_at_0": when.date().isoformat(),
        "published_at_1": when.strftime("%H:%M:%S"),
    }

    assert submit_admin_page(clinician_client, change_url(article), scheduled).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert article.reviewed_by == clinician
    assert public.get(article.get_absolute_url()).status_code == 404
    assert "Coming soon" not in public.get(reverse("articles:home")).content.decode()
    preview = clinician_client.get(article.get_absolute_url()).content.decode()
    assert "Scheduled — not public yet." in preview


@pytest.mark.parametrize("status", [S.UNPUBLISHED, S.ARCHIVED])
def test_unpublished_and_archived_articles_are_not_found_even_with_a_past_publish_time(
    client, status
):
    article = ArticleFactory(status=status, published_at=timezone.now() - datetime.timedelta(9))

    assert client.get(article.get_absolute_url()).status_code == 404
    assert article not in Article.objects.published()


# Content warnings ---------------------------------------------------------------------------

ALL_GAPS = [
    "No “urgent advice” section: readers need to know when to get help.",
    "No references: add the sources this article rests on.",
    "The section “Causes” has no text.",
    "The treatment “Muscle rub” has no cautions (who should not use it).",
]


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
    retitled = {"title": "Still full of gaps"}

    response = submit_admin_page(
        clinician_client, change_url(article_with_gaps), retitled, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 302
    assert warning_messages(response) == ALL_GAPS
    article_with_gaps.refresh_from_db()
    assert article_with_gaps.title == "Still full of gaps"


def test_warnings_never_stop_a_clinician_publishing(clinician_client, article_with_gaps, public):
    Article.objects.filter(pk=article_with_gaps.pk).update(status=S.IN_REVIEW)
    published = {"status": S.PUBLISHED}

    response = submit_admin_page(
        clinician_client, change_url(article_with_gaps), published, follow=True
    )

    assert warning_messages(response) == ALL_GAPS
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
