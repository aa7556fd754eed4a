"""The count of comment threads stored on each article, which the comments pager pages by:
right through every way comments change, and the pager needs no count of its own."""

import threading
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from comments.models import Comment, CommentReport

from .admin_forms import change_url, submit_admin_page
from .comment_forms import comment_bodies, report
from .factories import (
    ArticleFactory,
    ClinicianReplyFactory,
    CommentFactory,
    ModeratorFactory,
)

pytestmark = pytest.mark.django_db


def stored(article):
    return Article.objects.values_list("comment_thread_count", flat=True).get(pk=article.pk)


def shown(article):
    """The threads readers see, counted the slow way."""
    return Comment.objects.filter(article=article, parent=None).visible().count()


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def moderator_client():
    client = Client()
    client.force_login(ModeratorFactory())
    return client


# A moderator's decisions


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Comment.Status.APPROVED, 1),
        (Comment.Status.REJECTED, 0),
        (Comment.Status.SPAM, 0),
        (Comment.Status.PENDING, 0),
    ],
)
def test_a_decision_on_a_comment_counts_it_in_or_out(article, decision, expected):
    comment = CommentFactory(article=article)
    assert stored(article) == 0  # a reader's new comment waits for a moderator

    comment.moderate(decision, ModeratorFactory())

    assert stored(article) == shown(article) == expected


def test_a_comment_withdrawn_after_approval_is_counted_out(article):
    comment = CommentFactory(article=article, approved=True)
    assert stored(article) == 1

    comment.moderate(Comment.Status.REJECTED, ModeratorFactory())

    assert stored(article) == shown(article) == 0


def test_a_clinicians_reply_is_shown_in_its_thread_and_counts_as_none(article):
    question = CommentFactory(article=article, approved=True)
    question.reply(ModeratorFactory(), "Gentle movement helps.")
    ClinicianReplyFactory(parent=question)

    assert stored(article) == shown(article) == 1


@pytest.mark.parametrize(
    ("action", "expected"), [("approve", 3), ("reject", 0), ("mark_as_spam", 0)]
)
def test_the_admins_actions_on_many_comments_keep_the_count(
    article, moderator_client, action, expected
):
    comments = CommentFactory.create_batch(3, article=article)
    CommentFactory(article=ArticleFactory(), approved=True)  # another article's

    response = moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [str(c.pk) for c in comments], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert stored(article) == shown(article) == expected


def test_a_moderator_saving_a_comments_page_keeps_the_count(article, moderator_client):
    comment = CommentFactory(article=article)

    response = submit_admin_page(
        moderator_client, change_url(comment), {"status": Comment.Status.APPROVED}
    )

    assert response.status_code == 302
    assert stored(article) == shown(article) == 1


# Readers' reports


def test_a_comment_hidden_by_readers_reports_is_counted_out_until_a_moderator_decides(
    client, article, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 2
    comment = CommentFactory(article=article, approved=True)

    report(client, comment, address="10.0.0.1")
    assert stored(article) == 1  # one report hides nothing
    report(client, comment, address="10.0.0.2")
    assert stored(article) == shown(article) == 0

    Comment.objects.get(pk=comment.pk).moderate(Comment.Status.APPROVED, ModeratorFactory())
    assert stored(article) == shown(article) == 1
    assert not CommentReport.objects.exists()


# Changes of many comments at once, which send no signal


def test_an_update_of_many_comments_keeps_every_articles_count(article):
    other = ArticleFactory()
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=other)

    # The rows no longer match the filter once updated: the articles are known before.
    Comment.objects.filter(status=Comment.Status.PENDING).update(status=Comment.Status.APPROVED)
    assert (stored(article), stored(other)) == (2, 1)

    Comment.objects.filter(article=article).update(hidden_by_reports=True)
    assert (stored(article), stored(other)) == (0, 1)


def test_comments_made_in_bulk_are_counted(article):
    Comment.objects.bulk_create(
        [
            *CommentFactory.build_batch(3, article=article, approved=True),
            CommentFactory.build(article=article),  # pending
        ]
    )

    assert stored(article) == shown(article) == 3


# Deleting


def test_a_deleted_thread_is_counted_out_with_its_replies(article):
    question = CommentFactory(article=article, approved=True)
    ClinicianReplyFactory(parent=question)
    CommentFactory(article=article, approved=True)

    question.delete()

    assert stored(article) == shown(article) == 1


def test_an_article_is_deleted_with_its_comments(article):
    CommentFactory.create_batch(3, article=article, approved=True)

    article.delete()

    assert not Comment.objects.exists()


# Saving an article does not write back an old count


def test_an_article_saved_from_a_copy_read_before_a_decision_keeps_the_right_count(article):
    comment = CommentFactory(article=article)
    copy_read_earlier = Article.objects.get(pk=article.pk)  # e.g. an editor's admin form
    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())

    copy_read_earlier.title = "Back muscle spasms, revised"
    copy_read_earlier.save()

    assert stored(article) == shown(article) == 1


# The pager


def test_every_page_of_comments_is_reachable_without_counting_them(client, article, settings):
    settings.COMMENTS_PER_PAGE = 20
    Comment.objects.bulk_create(
        CommentFactory.build(article=article, approved=True, body=f"Comment {number}")
        for number in range(45)
    )

    with CaptureQueriesContext(connection) as queries:
        first = client.get(article.get_absolute_url()).content.decode()
    last = client.get(article.get_absolute_url() + "?comments=3").content.decode()
    past_the_last = client.get(article.get_absolute_url() + "?comments=9").content.decode()

    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in last
    assert comment_bodies(last) == [f"<p>Comment {number}</p>" for number in range(40, 45)]
    assert comment_bodies(past_the_last) == comment_bodies(last)


# Filling the counts for existing comments


def test_the_migration_counts_the_threads_of_existing_comments(article):
    other = ArticleFactory()
    CommentFactory.create_batch(3, article=article, approved=True)
    ClinicianReplyFactory(parent=CommentFactory(article=other, approved=True))
    CommentFactory(article=other)
    CommentFactory(article=other, approved=True, hidden_by_reports=True)
    Article.objects.update(comment_thread_count=0)  # as the column starts

    migration = import_module("comments.migrations.0005_fill_comment_thread_counts")
    migration.count_threads(apps, connection.schema_editor())

    assert (stored(article), stored(other)) == (shown(article), shown(other)) == (3, 1)


# Two moderators at once


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write: nothing happens at once.",
)
# Real transactions: the serialized rollback puts back the rows the data migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moderators_approving_one_articles_comments_at_once_both_count():
    article = ArticleFactory()
    comments = CommentFactory.create_batch(8, article=article)
    moderator = ModeratorFactory()
    start = threading.Barrier(len(comments))
    errors = []

    def approve(comment):
        try:
            start.wait()
            comment.moderate(Comment.Status.APPROVED, moderator)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=[comment]) for comment in comments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert stored(article) == shown(article) == 8
