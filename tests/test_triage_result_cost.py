"""What the checker's result costs the database, and that what it suggests to read is never
older than the site: the treatments and further reading are read once per public pages
version, the red flags' words only when an answer is repeated in them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Treatment

from .checker_forms import disposition_of, submit
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
)
from .triage_spec import GP_QUESTIONS

pytestmark = pytest.mark.django_db

SELF_CARE = {"duration_weeks": "2", **dict.fromkeys(GP_QUESTIONS, "no")}


@pytest.fixture
def back_pain(settings):
    return TopicFactory(slug=settings.SYMPTOM_CHECKER_TOPIC)


@pytest.fixture
def back_pain_articles(back_pain):
    for _ in range(12):
        article = ArticleFactory()
        article.topics.add(back_pain)
        SectionFactory(article=article, heading="Treatments", kind="treatments")
        ArticleTreatmentFactory.create_batch(2, article=article)


def article_suggesting(topic, treatment_name, **fields):
    article = ArticleFactory(**fields)
    article.topics.add(topic)
    ArticleTreatmentFactory(article=article, treatment=TreatmentFactory(name=treatment_name))
    return article


def test_a_self_care_result_costs_a_few_queries_once_its_reading_is_known(
    client, back_pain_articles, django_assert_max_num_queries
):
    """The anonymous count only (an update, in a savepoint here): the questions, the
    advice, the red flags' words and the reading are the ones the first result read, for
    the same public pages version."""
    submit(client, **SELF_CARE)

    with django_assert_max_num_queries(3):
        response = submit(client, **SELF_CARE)

    assert disposition_of(response) == "self_care"
    assert response.content.decode().count("#treatment-") == 24


def test_the_rules_are_read_once_per_public_pages_version(client, back_pain_articles):
    submit(client, fever="yes")

    with CaptureQueriesContext(connection) as queries:
        response = submit(client, fever="yes")

    assert disposition_of(response) == "urgent"
    assert not [query for query in queries if "triage_question" in query["sql"]]
    assert not [query for query in queries if "triage_advice" in query["sql"]]
    assert not [query for query in queries if "triage_redflag" in query["sql"]]


def test_a_yes_is_still_repeated_in_its_red_flags_words(client, back_pain_articles):
    response = submit(client, fever="yes")

    assert "a high temperature, or you feel hot and shivery" in response.content.decode()


def test_a_treatment_published_a_moment_ago_is_suggested_at_once(client, back_pain):
    article_suggesting(back_pain, "Heat packs")
    assert "Heat packs" in submit(client, **SELF_CARE).content.decode()

    article_suggesting(back_pain, "Gentle walking")
    html = submit(client, **SELF_CARE).content.decode()

    assert "Heat packs" in html
    assert "Gentle walking" in html


def test_a_changed_caution_is_shown_at_once(client, back_pain):
    article_suggesting(back_pain, "Ibuprofen")
    submit(client, **SELF_CARE)

    treatment = Treatment.objects.get(name="Ibuprofen")
    treatment.cautions = "Not if you have had a stomach ulcer."
    treatment.save()

    assert "Not if you have had a stomach ulcer." in submit(client, **SELF_CARE).content.decode()


def test_a_withdrawn_article_is_no_longer_suggested(client, back_pain):
    article = article_suggesting(back_pain, "Heat packs")
    submit(client, **SELF_CARE)

    article.status = article.Status.UNPUBLISHED
    article.save()

    assert "Heat packs" not in submit(client, **SELF_CARE).content.decode()


def test_an_article_going_live_by_the_clock_is_suggested_from_its_publish_time(
    client, back_pain, monkeypatch
):
    article_suggesting(back_pain, "Heat packs")
    going_live = timezone.now() + datetime.timedelta(hours=1)
    article_suggesting(back_pain, "Gentle walking", published_at=going_live)
    assert "Gentle walking" not in submit(client, **SELF_CARE).content.decode()

    later = going_live + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Gentle walking" in submit(client, **SELF_CARE).content.decode()
