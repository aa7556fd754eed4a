"""An article past its next review date tells readers so, calmly, with the help-line
numbers; the page's structured data keeps the real date of the last review."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from .comment_forms import page
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOTICE = '<p class="notice review-overdue" role="note">'


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def notice(html):
    """The overdue notice's text, or None when the page has none."""
    found = re.search(rf"{re.escape(NOTICE)}(.*?)</p>", html, re.S)
    return found and found.group(1)


def test_an_overdue_article_says_so_with_the_configured_numbers(client, settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116 117"
    article = ArticleFactory(next_review_due=days_from_today(-1))

    html = page(client, article)

    assert notice(html) == (
        "This page is due for review. The advice may not be up to date. If you need help "
        "now, call 112 in an emergency or 116 117 for urgent advice."
    )
    # In the header, just after the review dates it explains.
    header = html.split('<header class="article-header">')[1].split("</header>")[0]
    assert header.index('class="review-meta"') < header.index(NOTICE)


@pytest.mark.parametrize("days", [0, 1, 300], ids=["due today", "due tomorrow", "in date"])
def test_an_article_not_yet_past_its_review_date_has_no_notice(client, days):
    article = ArticleFactory(next_review_due=days_from_today(days))

    assert notice(page(client, article)) is None


def test_an_article_with_no_review_date_has_no_notice(client):
    assert notice(page(client, ArticleFactory(next_review_due=None))) is None


def test_the_structured_data_keeps_the_real_last_review_date(client):
    last_reviewed = days_from_today(-400)
    article = ArticleFactory(last_reviewed=last_reviewed, next_review_due=days_from_today(-35))

    html = page(client, article)

    assert notice(html) is not None
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block.group(1))["lastReviewed"] == last_reviewed.isoformat()


def test_a_cached_page_gets_the_notice_the_first_moment_after_the_due_date(
    client, monkeypatch, django_assert_max_num_queries
):
    """No edit and no clock change is needed: the cache key holds the local date, so the
    page stored on the due date is never served the day after."""
    article = ArticleFactory(next_review_due=timezone.localdate())
    midnight = timezone.make_aware(datetime.datetime.combine(days_from_today(1), datetime.time.min))

    monkeypatch.setattr(timezone, "now", lambda: midnight - datetime.timedelta(seconds=1))
    assert notice(page(client, article)) is None
    with django_assert_max_num_queries(1):  # served from the cache
        assert notice(page(client, article)) is None

    monkeypatch.setattr(timezone, "now", lambda: midnight + datetime.timedelta(seconds=1))
    assert notice(page(client, article)) is not None
