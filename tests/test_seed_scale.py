"""The benchmark data set: published, searchable, and never touching existing articles."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from bench.seed_scale import Command as SeedScale
from comments.models import Comment
from search.engine import search

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command(SeedScale(), *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_seeds_published_articles_with_approved_comments_readers_can_find():
    seed("--articles", "12", "--comments", "300")

    articles = Article.objects.filter(slug__startswith="scale-")
    assert articles.count() == 12
    assert set(articles.published()) == set(articles)
    assert Comment.objects.filter(article__in=articles).visible().count() == 300
    busiest = max(articles, key=lambda article: article.comments.count())
    assert busiest.comments.count() > 300 / 12  # a realistic worst case, not an even spread

    title_word = articles.first().title.split()[0]
    assert any(result.article.slug.startswith("scale-") for result in search(title_word).results)
    # As the site keeps them for articles saved one by one: pages render as they would.
    stored = {article.pk: article.related_for_readers() for article in articles}
    articles.refresh_related_reading()
    assert stored == {article.pk: article.related_for_readers() for article in articles}
    assert any(stored.values())
    assert all(
        article.comment_thread_count == article.comments.visible().filter(parent=None).count()
        for article in articles
    )


def test_refuses_a_database_with_articles_unless_asked_to_add_beside_them():
    existing = ArticleFactory(title="Real article")

    with pytest.raises(CommandError, match="already has articles"):
        seed("--articles", "2", "--comments", "0")
    seed("--articles", "2", "--comments", "0", "--append")

    existing.refresh_from_db()
    assert existing.title == "Real article"
    assert Article.objects.filter(slug__startswith="scale-").count() == 2
