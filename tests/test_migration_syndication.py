"""The migration for the content API's changes feed keeps every stored copy of an article's
page parts as it was, and counts each as written when it ran: a site keeping copies is told
to fetch every article once more, never told a changed one is current."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import PageParts, Withdrawal
from articles.models.syndication import changes_since

# Migrations run outside a test transaction; the serialized rollback puts back the rows
# the migrations made for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("articles", "0020_clinical_code_roles")]
AFTER = [("articles", "0021_syndication")]
PARTS = {"version": 1, "sections": [{"id": 1, "heading": "What it is"}]}


def migrate(targets):
    return MigrationExecutor(connection).migrate(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_stored_parts_are_kept_and_every_published_article_is_a_change():
    try:
        apps = migrate(BEFORE)
        article = apps.get_model("articles", "Article").objects.create(
            title="Back pain",
            slug="back-pain-migrated",
            standfirst="About back pain.",
            status="published",
            published_at=timezone.now() - datetime.timedelta(days=1),
        )
        apps.get_model("articles", "PageParts").objects.create(article=article, parts=PARTS)
        before_migrating = timezone.now()
        migrate(AFTER)
        migrate(latest())

        copy = PageParts.objects.get(article_id=article.pk)
        assert copy.parts == PARTS
        assert copy.stored_at >= before_migrating
        changes, _ = changes_since(since=before_migrating - datetime.timedelta(microseconds=1))
        assert [change.slug for change in changes] == ["back-pain-migrated"]
    finally:
        migrate(latest())


def test_deleted_articles_recorded_before_withdrawals_move_across_as_removals():
    try:
        apps = migrate([("articles", "0021_syndication")])
        removed_at = timezone.now() - datetime.timedelta(days=2)
        apps.get_model("articles", "RemovedArticle").objects.create(
            article_id=4242, slug="gone-before", removed_at=removed_at
        )
        migrate(latest())

        gone = Withdrawal.objects.get(article_id=4242)
        assert (gone.slug, gone.change, gone.at) == ("gone-before", "removed", removed_at)
        changes, _ = changes_since(since=removed_at - datetime.timedelta(seconds=1))
        assert [(c.slug, c.change) for c in changes][:1] == [("gone-before", "removed")]
    finally:
        migrate(latest())
