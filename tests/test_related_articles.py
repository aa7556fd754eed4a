"""Related reading: curated first, then articles sharing a topic, never anything unrelated."""

import datetime
import random
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from articles.models import RELATED_SHOWN, Article, RelatedReading

from .factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def related_titles(client, article):
    response = client.get(article.get_absolute_url())
    return [a.title for a in response.context["related_articles"]]


def test_curated_articles_come_before_topic_matches(client):
    back_pain = TopicFactory(slug="back-pain")
    article = ArticleFactory(title="Back spasms")
    article.topics.add(back_pain)
    curated = ArticleFactory(title="Sciatica")
    article.related_articles.add(curated)
    same_topic = ArticleFactory(title="Lower back pain")
    same_topic.topics.add(back_pain)

    assert related_titles(client, article) == ["Sciatica", "Lower back pain"]


def test_an_unrelated_article_is_never_suggested(client):
    article = ArticleFactory(title="Back spasms")
    article.topics.add(TopicFactory(slug="back-pain"))
    unrelated = ArticleFactory(title="Rosacea remedies")
    unrelated.topics.add(TopicFactory(slug="skin"))
    ArticleFactory(title="No topic at all")

    titles = related_titles(client, article)

    assert titles == []
    assert "Rosacea remedies" not in client.get(article.get_absolute_url()).content.decode()


def test_unpublished_related_articles_are_not_shown(client):
    article = ArticleFactory()
    draft = ArticleFactory(title="Draft sciatica", status=Article.Status.DRAFT, published_at=None)
    article.related_articles.add(draft)
    topic = TopicFactory()
    article.topics.add(topic)
    draft.topics.add(topic)

    assert related_titles(client, article) == []


def test_an_article_is_not_related_to_itself(client):
    article = ArticleFactory()
    article.related_articles.add(article)
    article.topics.add(TopicFactory())

    assert related_titles(client, article) == []


def test_a_topic_match_is_listed_once_even_when_sharing_several_topics(client):
    one, two = TopicFactory(), TopicFactory()
    article = ArticleFactory()
    article.topics.add(one, two)
    other = ArticleFactory(title="Shares both")
    other.topics.add(one, two)

    assert related_titles(client, article) == ["Shares both"]


def test_among_topic_matches_the_one_sharing_more_topics_comes_first(client):
    back, nerves, sleep = TopicFactory(), TopicFactory(), TopicFactory()
    article = ArticleFactory(title="Sciatica")
    article.topics.add(back, nerves, sleep)
    # The newer article shares fewer topics: sharing counts before recency.
    ArticleFactory(title="Shares two topics").topics.add(back, nerves)
    ArticleFactory(title="Shares one topic").topics.add(sleep)

    assert related_titles(client, article) == ["Shares two topics", "Shares one topic"]


# The stored lists (articles/models/related.py): in step with every change, one query to read


def reference_ranking(article):
    """The list worked out from scratch by the rules above, as every render once did."""
    mine = set(article.topics.values_list("pk", flat=True))
    picked = set(article.related_articles.values_list("pk", flat=True))

    def shared(other):
        return len(mine & set(other.topics.values_list("pk", flat=True)))

    newest_first = (
        Article.objects.published().exclude(pk=article.pk).order_by("-published_at", "title", "pk")
    )
    candidates = [other for other in newest_first if other.pk in picked or shared(other)]
    ranked = sorted(candidates, key=lambda other: (other.pk not in picked, -shared(other)))
    return [other.pk for other in ranked[:RELATED_SHOWN]]


def shown_pks(article):
    return [other.pk for other in article.related_for_readers()]


def changes(articles, topics):
    """Every kind of change editors make that can move an article in or out of a list."""

    def pick_two(rnd):
        return rnd.sample(articles, 2)

    def some_topics(rnd, most):
        return rnd.sample(topics, rnd.randint(0, min(most, len(topics))))

    def published_again(rnd):
        article = rnd.choice(articles)
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now() - datetime.timedelta(hours=rnd.randint(1, 900))
        article.save()

    def withdrawn(rnd):
        article = rnd.choice(articles)
        article.status = rnd.choice([Article.Status.UNPUBLISHED, Article.Status.ARCHIVED])
        article.save()

    def scheduled(rnd):
        article = rnd.choice(articles)
        article.published_at = timezone.now() + datetime.timedelta(days=rnd.randint(1, 9))
        article.save()

    def retitled(rnd):
        article = rnd.choice(articles)
        article.title = f"Retitled {rnd.randint(0, 999)}"
        article.save()

    def deleted(rnd):
        if len(articles) > 3:
            article = rnd.choice(articles)
            articles.remove(article)
            article.delete()

    def new_article(rnd):
        article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(minutes=5))
        article.topics.add(*some_topics(rnd, 2))
        articles.append(article)

    def topic_deleted(rnd):
        if len(topics) > 1:
            topics.pop(rnd.randrange(len(topics))).delete()

    return [
        lambda rnd: rnd.choice(articles).topics.add(rnd.choice(topics)),
        lambda rnd: rnd.choice(articles).topics.remove(rnd.choice(topics)),
        lambda rnd: rnd.choice(articles).topics.set(some_topics(rnd, 2)),
        lambda rnd: rnd.choice(articles).topics.clear(),
        lambda rnd: rnd.choice(topics).articles.add(*rnd.sample(articles, 2)),
        lambda rnd: rnd.choice(topics).articles.remove(rnd.choice(articles)),
        lambda rnd: rnd.choice(topics).articles.clear(),
        lambda rnd: (lambda a, b: a.related_articles.add(b))(*pick_two(rnd)),
        lambda rnd: (lambda a, b: a.related_articles.remove(b))(*pick_two(rnd)),
        lambda rnd: rnd.choice(articles).related_articles.clear(),
        published_again,
        withdrawn,
        scheduled,
        retitled,
        deleted,
        new_article,
        topic_deleted,
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_stored_lists_rank_as_from_scratch_after_any_series_of_changes(seed):
    rnd = random.Random(seed)
    topics = TopicFactory.create_batch(4)
    articles = [
        ArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=rnd.randint(1, 900)))
        for _ in range(9)
    ]
    for article in articles:
        article.topics.add(*rnd.sample(topics, rnd.randint(1, 3)))
    possible_changes = changes(articles, topics)

    for _ in range(40):
        rnd.choice(possible_changes)(rnd)
        for article in articles:
            assert shown_pks(article) == reference_ranking(article)


def test_reading_the_list_is_one_query_however_big_the_topic(django_assert_num_queries):
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    for _ in range(30):
        ArticleFactory().topics.add(topic)

    with django_assert_num_queries(1):
        assert len(article.related_for_readers()) == RELATED_SHOWN


def test_a_scheduled_article_is_listed_once_its_time_comes_with_nothing_saved(client, monkeypatch):
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    for days in range(1, 5):
        ArticleFactory(
            title=f"Older {days}", published_at=timezone.now() - datetime.timedelta(days=days)
        ).topics.add(topic)
    going_live = timezone.now() + datetime.timedelta(hours=1)
    ArticleFactory(title="Going live", published_at=going_live).topics.add(topic)
    stored = list(RelatedReading.objects.values_list("article", "related", "position"))

    assert "Going live" not in related_titles(client, article)
    later = going_live + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert related_titles(client, article) == ["Going live", "Older 1", "Older 2", "Older 3"]
    assert list(RelatedReading.objects.values_list("article", "related", "position")) == stored


def test_a_withdrawn_article_leaves_every_list_at_once_and_the_next_moves_up(client):
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    others = [
        ArticleFactory(
            title=f"Other {days}", published_at=timezone.now() - datetime.timedelta(days)
        )
        for days in range(1, 6)
    ]
    for other in others:
        other.topics.add(topic)
    assert related_titles(client, article) == ["Other 1", "Other 2", "Other 3", "Other 4"]

    others[0].status = Article.Status.UNPUBLISHED
    others[0].save()

    assert related_titles(client, article) == ["Other 2", "Other 3", "Other 4", "Other 5"]


def test_an_unpublished_article_is_never_shown_even_if_a_list_still_held_it(client):
    """Belt and braces: a change made behind the signals' back (an update()) shows nothing
    unpublished; the list is only one short until it is worked out again."""
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    withdrawn = ArticleFactory(title="Withdrawn")
    withdrawn.topics.add(topic)

    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.UNPUBLISHED)

    assert related_titles(client, article) == []


def test_the_migration_fills_every_list_as_they_are_kept():
    topics = TopicFactory.create_batch(3)
    articles = ArticleFactory.create_batch(6)
    for number, article in enumerate(articles):
        article.topics.add(topics[number % 3], topics[(number + 1) % 3])
    articles[0].related_articles.add(articles[5])
    kept = list(RelatedReading.objects.values_list("article", "related", "position"))
    RelatedReading.objects.all().delete()  # as the table starts

    migration = import_module("articles.migrations.0016_fill_related_reading")
    migration.work_out_every_list(apps, connection.schema_editor())

    assert list(RelatedReading.objects.values_list("article", "related", "position")) == kept
