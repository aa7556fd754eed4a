"""Related reading: curated first, then articles sharing a topic, never anything unrelated."""

import pytest

from articles.models import Article

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
