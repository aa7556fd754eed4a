"""Publishing is a clinical sign-off, at once or at a scheduled time; taking down is at once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, add_months

from .admin_forms import change_url, submit_admin_page
from .factories import ArticleFactory, ClinicianFactory, draft, ready_to_publish

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def public():
    """A reader's browser, apart from the staff member's signed-in client."""
    return Client()


# Publishing is a clinical sign-off ------------------------------------------------------------


def test_a_clinician_publishing_signs_the_article_off(clinician_client, clinician, public):
    article = ready_to_publish(draft(title="Back spasms"))
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
        # What publishing needs: when to get help, and a source.
        "sections-TOTAL_FORMS": "1",
        "sections-0-order": "10",
        "sections-0-heading": "When to get help",
        "sections-0-kind": "urgent_advice",
        "sections-0-body": "Call {emergency_number} if you cannot move your legs.",
        "references-TOTAL_FORMS": "1",
        "references-0-order": "1",
        "references-0-title": "Back pain",
        "references-0-url": "https://www.nhs.uk/conditions/back-pain/",
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
    ready_to_publish(article)

    response = submit_admin_page(clinician_client, change_url(article), {"status": S.PUBLISHED})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by == clinician
    assert article.last_reviewed == timezone.localdate()
    assert not article.review_overdue


def test_the_review_interval_comes_from_the_settings(clinician_client, settings):
    settings.REVIEW_INTERVAL_MONTHS = 6
    article = ready_to_publish(draft())

    response = submit_admin_page(clinician_client, change_url(article), {"status": S.PUBLISHED})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.next_review_due == add_months(timezone.localdate(), 6)


def test_signing_off_on_29_february_makes_the_next_review_due_on_28_february(
    clinician_client, clinician, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2024, 2, 29))
    article = ready_to_publish(draft())

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
    article = ready_to_publish(
        ArticleFactory(reviewed_by=reviewer, last_reviewed=datetime.date(2026, 1, 5))
    )
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
    article = ready_to_publish(draft(title="Coming soon"))
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
