"""Readers report comments: once per reader, and enough reports hide one until approved again."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article
from comments.models import Comment

from .comment_forms import comment_bodies, page, report
from .factories import ArticleFactory, ClinicianReplyFactory, CommentFactory, ModeratorFactory

pytestmark = pytest.mark.django_db

REPORT_THANKS = "Thank you for telling us. A moderator will check this comment."


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_report_redirects_with_thanks_and_counts(client, article):
    comment = CommentFactory(article=article, approved=True)

    response = report(client, comment)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert escape(REPORT_THANKS) in page(client, article)
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert comment.hidden_by_reports is False


def test_the_same_client_reporting_twice_counts_once(client, article):
    comment = CommentFactory(article=article, approved=True)

    report(client, comment)
    second = report(client, comment)

    assert second.status_code == 302
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_enough_reports_hide_a_comment_until_a_moderator_approves_it_again(
    client, article, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    comment = CommentFactory(article=article, body="Rude words", approved=True)
    CommentFactory(article=article, body="Kind words", approved=True)

    for number in range(2):
        report(client, comment, address=f"198.51.100.{number}")
    assert comment_bodies(page(client, article)) == ["<p>Rude words</p>", "<p>Kind words</p>"]
    report(client, comment, address="198.51.100.99")

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (3, True)
    assert comment_bodies(page(client, article)) == ["<p>Kind words</p>"]

    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (0, False)
    assert comment_bodies(page(client, article)) == ["<p>Rude words</p>", "<p>Kind words</p>"]


@pytest.mark.parametrize(
    "kind", ["pending", "rejected", "spam", "hidden by reports", "on a draft", "missing"]
)
def test_reporting_a_comment_readers_cannot_see_is_404(client, kind):
    comment = {
        "pending": lambda: CommentFactory(status=Comment.Status.PENDING),
        "rejected": lambda: CommentFactory(status=Comment.Status.REJECTED),
        "spam": lambda: CommentFactory(status=Comment.Status.SPAM),
        "hidden by reports": lambda: CommentFactory(
            hidden_by_reports=True, report_count=3, approved=True
        ),
        "on a draft": lambda: CommentFactory(
            article__status=Article.Status.DRAFT, article__published_at=None
        ),
        "missing": lambda: Comment(pk=999_999),
    }[kind]()
    count = comment.report_count

    assert report(client, comment).status_code == 404
    if comment.pk != 999_999:
        comment.refresh_from_db()
        assert comment.report_count == count


def test_reporting_needs_a_post(client):
    comment = CommentFactory(approved=True)

    response = client.get(reverse("comments:report", args=[comment.pk]))

    assert response.status_code == 405


def test_each_report_button_posts_to_its_own_comment(client, article):
    thread = CommentFactory(article=article, approved=True)
    reply = CommentFactory(article=article, parent=thread, approved=True)
    ClinicianReplyFactory(parent=thread)

    html = page(client, article)

    actions = re.findall(r'<form method="post" action="([^"]*)" class="report-form">', html)
    # Clinicians' replies are answered by moderators, not reported.
    assert actions == [reverse("comments:report", args=[pk]) for pk in (thread.pk, reply.pk)]
