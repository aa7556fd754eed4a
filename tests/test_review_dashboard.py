"""The clinical review dashboard and report: overdue and soon-due reviews, and who sees them."""

import datetime
import functools
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    """Sign a new staff member of a role in: login("Editor") returns the client."""
    return functools.partial(signed_in_as, client)


def today():
    return timezone.localdate()


def days_from_today(days):
    return today() + datetime.timedelta(days=days)


@pytest.fixture
def review_dates():
    """Articles around the review boundaries; returns their titles by what they are."""
    ArticleFactory(title="Overdue by a year", next_review_due=days_from_today(-365))
    ArticleFactory(title="Overdue since yesterday", next_review_due=days_from_today(-1))
    ArticleFactory(
        title="Overdue draft",
        status=Article.Status.DRAFT,
        published_at=None,
        next_review_due=days_from_today(-10),
    )
    ArticleFactory(title="Due today", next_review_due=today())
    ArticleFactory(title="Due in 30 days", next_review_due=days_from_today(30))
    ArticleFactory(title="Due in 31 days", next_review_due=days_from_today(31))
    ArticleFactory(
        title="Archived and overdue",
        status=Article.Status.ARCHIVED,
        next_review_due=days_from_today(-100),
    )
    ArticleFactory(
        title="Archived and due soon",
        status=Article.Status.ARCHIVED,
        next_review_due=days_from_today(5),
    )
    ArticleFactory(title="Never reviewed", next_review_due=None)
    return {
        "overdue": ["Overdue by a year", "Overdue draft", "Overdue since yesterday"],
        "due_soon": ["Due today", "Due in 30 days"],
        "absent": [
            "Due in 31 days",
            "Archived and overdue",
            "Archived and due soon",
            "Never reviewed",
        ],
    }


# The dashboard on the admin home page


def rows_of(html):
    """The review dashboard's table rows, as plain text."""
    block = html[html.index("Clinical reviews") :]
    block = block[: block.index("</table>")]
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)]


@pytest.mark.parametrize("role", ["Clinician", "Editor"])
def test_admin_home_lists_overdue_and_soon_due_reviews(login, review_dates, role):
    client = login(role)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)[1:]  # after the header row
    titles = [
        next(t for t in [*review_dates["overdue"], *review_dates["due_soon"]] if t in row)
        for row in rows
    ]
    assert titles == [*review_dates["overdue"], *review_dates["due_soon"]]
    overdue_rows = rows[: len(review_dates["overdue"])]
    assert all("Overdue since" in row for row in overdue_rows)
    assert not any("Overdue since" in row for row in rows[len(review_dates["overdue"]) :])
    for title in review_dates["absent"]:
        assert title not in html


def test_review_dashboard_links_to_the_article_and_says_when(login):
    article = ArticleFactory(title="Back spasms", next_review_due=datetime.date(2020, 3, 1))
    client = login("Clinician")

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "Overdue since 1 Mar 2020" in html


def test_review_dashboard_says_when_nothing_is_due(login):
    ArticleFactory(next_review_due=days_from_today(200))
    client = login("Clinician")

    html = client.get(reverse("admin:index")).content.decode()

    assert "Clinical reviews" in html
    assert "No article is overdue or due for review in the next 30 days." in html


def test_moderators_do_not_get_the_review_dashboard(login, review_dates):
    client = login("Moderator")

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Clinical reviews" not in html
    assert "Overdue by a year" not in html


# The review_report command


def review_report(*args):
    out = io.StringIO()
    call_command("review_report", *args, stdout=out)
    return out.getvalue()


def test_review_report_lists_the_same_articles_and_fails_when_one_is_overdue(review_dates):
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 article\\(s\\) overdue") as failure:
        call_command("review_report", stdout=out)

    assert failure.value.returncode == 1
    output = out.getvalue()
    overdue_part, due_part = output.split("Due in 30 days:")
    assert "Overdue for review: 3" in overdue_part
    assert [t for t in review_dates["overdue"] if t in overdue_part] == review_dates["overdue"]
    assert overdue_part.index("Overdue by a year") < overdue_part.index("Overdue draft")
    assert due_part.startswith(" 2")
    for title in review_dates["due_soon"]:
        assert title in due_part
    for title in review_dates["absent"]:
        assert f"{title} (" not in output
    assert f"{days_from_today(-1):%Y-%m-%d}  Overdue since yesterday (Published)" in output
    assert "Overdue draft (Draft)" in output


def test_review_report_succeeds_when_nothing_is_overdue():
    ArticleFactory(title="Due next week", next_review_due=days_from_today(7))
    ArticleFactory(title="Archived long ago", status="archived", next_review_due="2019-01-01")

    output = review_report()

    assert "Overdue for review: 0" in output
    assert "Due in 30 days: 1" in output
    assert "Due next week" in output
    assert "Archived long ago" not in output


def test_review_report_looks_as_far_ahead_as_asked():
    ArticleFactory(title="Due in 45 days", next_review_due=days_from_today(45))

    assert "Due in 45 days" not in review_report()
    assert "Due in 60 days: 1" in review_report("--days", "60")


def test_review_report_on_an_empty_site_succeeds():
    output = review_report()

    assert "Overdue for review: 0" in output
    assert "Due in 30 days: 0" in output
