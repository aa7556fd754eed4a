"""Only public articles, and only their words, ever appear in results or typo corrections."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from search.models import SearchWord

from .search_helpers import article, correction, search_page, titles

pytestmark = pytest.mark.django_db


HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + datetime.timedelta(days=3),
    },
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "archived": {"status": Article.Status.ARCHIVED},
}


# Results


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=list(HIDDEN_STATES))
def test_articles_that_are_not_public_never_appear_even_on_an_exact_title_search(client, state):
    article("Plantar fasciitis", "Plantar fasciitis causes heel pain.", **HIDDEN_STATES[state])
    article("Heel pain", "Heel pain is often plantar fasciitis.")

    assert titles(client, "plantar fasciitis") == ["Heel pain"]


def test_an_article_that_is_unpublished_disappears_from_search_at_once(client):
    heel = article("Plantar fasciitis", "Plantar fasciitis causes heel pain.")
    assert titles(client, "plantar fasciitis") == ["Plantar fasciitis"]

    heel.status = Article.Status.UNPUBLISHED
    heel.save()

    assert titles(client, "plantar fasciitis") == []


def test_search_checks_the_status_now_not_when_the_section_was_indexed(client):
    heel = article("Plantar fasciitis", "Plantar fasciitis causes heel pain.")
    assert titles(client, "plantar fasciitis") == ["Plantar fasciitis"]

    # A change that sends no signal, so no stored vector or vocabulary is touched.
    Article.objects.filter(pk=heel.pk).update(status=Article.Status.ARCHIVED)

    assert titles(client, "plantar fasciitis") == []


# The words typo corrections are drawn from


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=list(HIDDEN_STATES))
def test_the_vocabulary_does_not_learn_words_only_found_in_articles_that_are_not_public(
    client, state
):
    article("Neck pain", "The zygapophyseal joints may be stiff.", **HIDDEN_STATES[state])

    html = search_page(client, "zygapophysial")

    assert "zygapophyseal" not in html
    assert correction(html) is None
    if state != "scheduled":  # signed off, so learnt now: it goes live with no save to learn from
        assert not SearchWord.objects.filter(word="zygapophyseal").exists()


def test_publishing_an_article_teaches_the_vocabulary_its_words(client):
    neck = article("Neck pain", "The zygapophyseal joints may be stiff.", status="draft")
    assert correction(search_page(client, "zygapophysial")) is None

    neck.status = Article.Status.PUBLISHED
    neck.save()

    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"


def test_a_scheduled_article_words_are_learnt_once_it_goes_live(client):
    neck = article(
        "Neck pain",
        "The zygapophyseal joints may be stiff.",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    # Its publish time comes: nothing is saved, the clock just moves on.
    Article.objects.filter(pk=neck.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert titles(client, "zygapophyseal") == ["Neck pain"]

    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"


def test_an_unpublished_article_words_stop_being_suggested(client):
    neck = article("Neck pain", "The zygapophyseal joints may be stiff.")
    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"

    neck.status = Article.Status.UNPUBLISHED
    neck.save()

    html = search_page(client, "zygapophysial")
    assert correction(html) is None
    assert "zygapophyseal" not in html


def test_html_entity_names_are_not_words_in_the_vocabulary(client):
    article("Getting help", "Go to A&E now if you cannot feel your legs.")

    assert correction(search_page(client, "amps")) is None
    assert not SearchWord.objects.filter(word="amp").exists()
