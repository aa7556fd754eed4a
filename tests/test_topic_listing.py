"""The home page's "Browse by topic": every topic with an article readers can open, and no
other, kept in step with each change to articles' publication and topics (the stored
`Topic.readable_from`), without reading the site's topic links on each render."""

import datetime
from importlib import import_module
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic

from .factories import ArticleFactory, TopicFactory, draft

pytestmark = pytest.mark.django_db


def listed_topics(client):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    return [topic.name for topic in response.context["topics"]]


@pytest.fixture
def neck():
    return TopicFactory(name="Neck", slug="neck")


def test_a_topic_is_listed_once_it_has_a_published_article(client, neck):
    TopicFactory(name="Nothing yet", slug="nothing-yet")
    ArticleFactory().topics.add(neck)

    assert listed_topics(client) == ["Neck"]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.IN_REVIEW, "published_at": None},
        {"status": Article.Status.UNPUBLISHED},
        {"status": Article.Status.ARCHIVED},
    ],
    ids=["draft", "in review", "unpublished", "archived"],
)
def test_articles_readers_cannot_open_list_no_topic(client, neck, hidden):
    ArticleFactory(**hidden).topics.add(neck)

    assert listed_topics(client) == []


def test_publishing_and_unpublishing_move_the_topic_in_and_out(client, neck):
    article = draft()
    article.topics.add(neck)
    assert listed_topics(client) == []

    article.status = Article.Status.PUBLISHED
    article.save()
    assert listed_topics(client) == ["Neck"]

    article.status = Article.Status.UNPUBLISHED
    article.save()
    assert listed_topics(client) == []


def test_a_topic_stays_while_any_of_its_articles_is_published(client, neck):
    first, second = ArticleFactory.create_batch(2)
    neck.articles.add(first, second)

    first.status = Article.Status.UNPUBLISHED
    first.save()
    assert listed_topics(client) == ["Neck"]

    second.delete()
    assert listed_topics(client) == []


def test_a_scheduled_article_lists_its_topic_when_its_time_comes(client, neck):
    goes_live = timezone.now() + datetime.timedelta(hours=2)
    ArticleFactory(published_at=goes_live).topics.add(neck)
    assert listed_topics(client) == []
    assert Topic.objects.get(pk=neck.pk).readable_from == goes_live

    later = goes_live + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert list(Topic.objects.listed()) == [neck]


def test_bringing_a_publish_time_forward_lists_the_topic_now(client, neck):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    article.topics.add(neck)

    article.published_at = timezone.now() - datetime.timedelta(minutes=5)
    article.save()

    assert listed_topics(client) == ["Neck"]


@pytest.mark.parametrize(
    "unlink",
    [
        lambda article, topic: article.topics.remove(topic),
        lambda article, topic: article.topics.clear(),
        lambda article, topic: topic.articles.remove(article),
        lambda article, topic: topic.articles.clear(),
        lambda article, topic: article.topics.set([]),
    ],
    ids=["article.remove", "article.clear", "topic.remove", "topic.clear", "article.set"],
)
def test_unlinking_the_only_article_unlists_the_topic(client, neck, unlink):
    article = ArticleFactory()
    neck.articles.add(article)
    assert listed_topics(client) == ["Neck"]

    unlink(article, neck)

    assert listed_topics(client) == []


def test_linking_from_either_side_lists_the_topic(client, neck):
    back = TopicFactory(name="Back", slug="back")
    ArticleFactory().topics.add(back)
    neck.articles.add(ArticleFactory())

    assert listed_topics(client) == ["Back", "Neck"]


def test_listing_topics_reads_no_article_and_no_topic_link():
    sql = str(Topic.objects.listed().query)

    assert "articles_article" not in sql


def test_the_migration_fills_it_as_it_is_kept(neck):
    back = TopicFactory(name="Back", slug="back")
    later = TopicFactory(name="Later", slug="later")
    TopicFactory(name="Empty", slug="empty")
    ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=9)).topics.add(neck)
    ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2)).topics.add(neck, back)
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2)).topics.add(later)
    draft().topics.add(back)
    kept = dict(Topic.objects.values_list("slug", "readable_from"))
    Topic.objects.update(readable_from=None)  # as the new column starts

    migration = import_module("articles.migrations.0017_topic_readable_from")
    migration.fill_readable_from(apps, connection.schema_editor())

    assert dict(Topic.objects.values_list("slug", "readable_from")) == kept
    assert kept["empty"] is None
    assert kept["neck"] < kept["back"] < timezone.now() < kept["later"]


def test_saving_a_topic_form_loaded_earlier_keeps_it_listed(client, neck):
    """An editor's form for the topic was loaded before its first article was published:
    saving it writes the old value back, and the save works it out again."""
    loaded = Topic.objects.get(pk=neck.pk)
    ArticleFactory().topics.add(neck)

    loaded.description = "Neck pain and stiffness."
    loaded.save()

    assert listed_topics(client) == ["Neck"]
