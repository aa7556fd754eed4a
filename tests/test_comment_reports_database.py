"""Readers' reports are counted in the database: one reader cannot hide a comment alone,
whether the cache works or not, and reports are kept no longer than they are needed."""

import datetime
import io

import pytest
import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from comments.models import Comment, CommentReport, reporter_hash
from governance.clients import client_key

from .comment_forms import comment_bodies, page, report
from .factories import ArticleFactory, CommentFactory, ModeratorFactory

pytestmark = pytest.mark.django_db

REPORT_THANKS = "Thank you for telling us. A moderator will check this comment."
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


@pytest.fixture
def comment(article, settings):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    return CommentFactory(article=article, body="Heat helped me.", approved=True)


def report_five_times(client, comment, address="198.51.100.7"):
    """The status codes the reader got back, one a report."""
    return [report(client, comment, address=address).status_code for _ in range(5)]


def test_one_client_reporting_five_times_counts_once_with_the_cache_working(
    client, article, comment
):
    cache.set("cache-check", "working")
    assert cache.get("cache-check") == "working"

    statuses = report_five_times(client, comment)

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (1, False)
    assert statuses == [302] * 5
    assert CommentReport.objects.filter(comment=comment).count() == 1
    assert comment_bodies(page(client, article)) == ["<p>Heat helped me.</p>"]


def test_one_client_reporting_five_times_counts_once_with_the_cache_down(client, article, comment):
    with override_settings(CACHES=DEAD_REDIS):
        assert isinstance(caches["default"], RedisCache)
        with pytest.raises(redis.exceptions.ConnectionError):
            caches["default"].get("cache-check")

        statuses = report_five_times(client, comment)
        thanked = escape(REPORT_THANKS) in page(client, article)
        shown = comment_bodies(page(client, article))

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (1, False)
    assert statuses == [302] * 5
    assert thanked
    assert shown == ["<p>Heat helped me.</p>"]
    assert CommentReport.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize("cache_down", [False, True], ids=["cache working", "cache down"])
def test_three_different_clients_hide_the_comment(client, article, comment, cache_down):
    CommentFactory(article=article, body="Kind words.", approved=True)
    with override_settings(**({"CACHES": DEAD_REDIS} if cache_down else {})):
        for number in range(2):
            report(client, comment, address=f"198.51.100.{number}")
        assert comment_bodies(page(client, article)) == [
            "<p>Heat helped me.</p>",
            "<p>Kind words.</p>",
        ]

        report(client, comment, address="203.0.113.9")

        assert comment_bodies(page(client, article)) == ["<p>Kind words.</p>"]
    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (3, True)
    assert CommentReport.objects.filter(comment=comment).count() == 3
    # Hidden, it can no longer be reported: the count stays with the stored reports.
    assert report(client, comment, address="203.0.113.10").status_code == 404


def test_reports_are_deleted_when_a_moderator_decides(client, article, comment):
    other = CommentFactory(article=article, approved=True)
    for number in range(3):
        report(client, comment, address=f"198.51.100.{number}")
    report(client, other, address="198.51.100.0")

    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (0, False)
    assert not CommentReport.objects.filter(comment=comment).exists()
    assert CommentReport.objects.filter(comment=other).count() == 1
    # Approved again, it may be reported again, and counts from nothing.
    report(client, comment, address="198.51.100.0")
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_reports_are_deleted_when_a_moderator_decides_in_the_admin(client, article, comment):
    for number in range(3):
        report(client, comment, address=f"198.51.100.{number}")
    moderator = Client()
    moderator.force_login(ModeratorFactory())

    response = moderator.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [str(comment.pk)], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (0, False)
    assert not CommentReport.objects.filter(comment=comment).exists()


def test_reports_go_with_their_comment(client, comment):
    report(client, comment, address="198.51.100.1")

    comment.delete()

    assert not CommentReport.objects.exists()


def test_no_address_is_stored(client, comment):
    address = "198.51.100.77"

    report(client, comment, address=address)

    stored = CommentReport.objects.get()
    assert {field.column for field in CommentReport._meta.concrete_fields} == {
        "id",
        "comment_id",
        "client",
        "reported_on",
    }
    client_hash = client_key(RequestFactory().post("/", REMOTE_ADDR=address))
    assert stored.client == reporter_hash(comment.pk, client_hash)
    values = CommentReport.objects.values_list("id", "comment_id", "client", "reported_on")
    assert all(address not in str(value) for value in values.get())


def test_one_readers_reports_of_two_comments_cannot_be_linked(client, article, comment):
    other = CommentFactory(article=article, approved=True)

    report(client, comment, address="198.51.100.8")
    report(client, other, address="198.51.100.8")

    first, second = CommentReport.objects.order_by("comment_id").values_list("client", flat=True)
    assert first != second
    assert client_key(RequestFactory().post("/", REMOTE_ADDR="198.51.100.8")) not in {
        first,
        second,
    }


def test_old_reports_are_deleted_and_no_longer_count(client, comment, article):
    other = CommentFactory(article=article, approved=True)
    hidden = CommentFactory(article=article, approved=True)
    for number in range(3):
        report(client, hidden, address=f"198.51.100.{number}")
    report(client, other, address="198.51.100.1")
    report(client, other, address="198.51.100.2")
    report(client, comment, address="198.51.100.1")
    long_ago = timezone.localdate() - datetime.timedelta(days=31)
    CommentReport.objects.update(reported_on=long_ago)
    report(client, comment, address="198.51.100.3")  # today's report stays
    out = io.StringIO()

    call_command("delete_old_reports", stdout=out)

    assert out.getvalue().strip() == "3 reports older than 30 days deleted."
    comment.refresh_from_db()
    other.refresh_from_db()
    assert (comment.report_count, other.report_count) == (1, 0)
    assert list(CommentReport.objects.filter(comment__in=[comment, other])) == [
        CommentReport.objects.get(comment=comment, reported_on=timezone.localdate())
    ]
    # A hidden comment's reports wait for the moderator's decision.
    hidden.refresh_from_db()
    assert (hidden.report_count, hidden.hidden_by_reports) == (3, True)
    assert CommentReport.objects.filter(comment=hidden).count() == 3


def test_reports_within_the_keeping_time_stay(client, comment):
    report(client, comment, address="198.51.100.1")
    CommentReport.objects.update(reported_on=timezone.localdate() - datetime.timedelta(days=30))
    out = io.StringIO()

    call_command("delete_old_reports", stdout=out)

    assert out.getvalue().strip() == "0 reports older than 30 days deleted."
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert CommentReport.objects.count() == 1


def test_old_reports_of_many_comments_are_deleted_in_batches(client, article, monkeypatch):
    monkeypatch.setattr("comments.models.DELETE_OLD_BATCH", 2)
    reported = CommentFactory.create_batch(5, article=article, approved=True)
    for comment in reported:
        report(client, comment, address="198.51.100.1")
    CommentReport.objects.update(reported_on=timezone.localdate() - datetime.timedelta(days=31))
    out = io.StringIO()

    call_command("delete_old_reports", stdout=out)

    assert out.getvalue().strip() == "5 reports older than 30 days deleted."
    assert not CommentReport.objects.exists()
    assert {c.report_count for c in Comment.objects.filter(pk__in=[c.pk for c in reported])} == {0}
