"""Readers' reports stored before comments 0004 are hashed again with their comment: each
still counts once, and the same reader reporting the same comment again is still refused.
Going back forgets them rather than leave hashes that the way forward would hash twice."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment, reporter_hash

# Migrations run outside a test transaction; the serialized rollback puts back the rows
# the migrations made (groups, the checker) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("comments", "0003_commentreport")]
AFTER = [("comments", "0004_reports_hashed_per_comment")]
CLIENT = "c0ffee" * 5 + "00"  # a client's keyed hash, as client_key() makes them


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    return MigrationExecutor(connection).migrate(targets).apps


def test_old_reports_keep_counting_once_under_their_new_hash():
    try:
        apps = migrate(BEFORE)
        article = apps.get_model("articles", "Article").objects.create(
            title="Back pain", slug="back-pain-reports", standfirst="About back pain."
        )
        comment = apps.get_model("comments", "Comment").objects.create(
            article=article, display_name="Sam", body="Heat helped.", status="approved"
        )
        comment.reports.create(client=CLIENT)
        comment.report_count = 1
        comment.save()
        migrate(AFTER)
        migrate(latest())

        comment = Comment.objects.get(pk=comment.pk)
        (stored,) = comment.reports.values_list("client", flat=True)
        assert stored == reporter_hash(comment.pk, CLIENT)
        assert comment.report(CLIENT) is False  # already reported: not counted again
        assert Comment.objects.get(pk=comment.pk).report_count == 1
    finally:
        migrate(latest())


def test_going_back_forgets_the_reports_and_keeps_what_they_hid_hidden():
    try:
        apps = migrate(AFTER)
        article = apps.get_model("articles", "Article").objects.create(
            title="Back pain", slug="back-pain-reports-back", standfirst="About back pain."
        )
        comment = apps.get_model("comments", "Comment").objects.create(
            article=article,
            display_name="Sam",
            body="Buy pills here.",
            status="approved",
            report_count=3,
            hidden_by_reports=True,
        )
        comment.reports.create(client=reporter_hash(comment.pk, CLIENT))

        apps = migrate(BEFORE)
        comment = apps.get_model("comments", "Comment").objects.get(pk=comment.pk)
        assert not comment.reports.exists()
        assert (comment.report_count, comment.hidden_by_reports) == (0, True)

        migrate(latest())
        assert Comment.objects.get(pk=comment.pk).report(CLIENT) is True  # counted afresh
    finally:
        migrate(latest())
