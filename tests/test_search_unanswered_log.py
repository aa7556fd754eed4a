"""The private log of searches that found nothing: normalised words and a count, never who."""

import pytest
from django.urls import reverse
from django.utils import timezone

from search.models import UnansweredSearch

from .factories import UserFactory
from .search_helpers import back_pain_and_leg_cramps, search_page, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_articles():
    back_pain_and_leg_cramps()


def test_a_search_that_finds_nothing_is_counted_by_its_normalised_words(client):
    search_page(client, "  Zebra   STRIPES ")
    assert UnansweredSearch.objects.get().query == "zebra stripes"
    assert UnansweredSearch.objects.get().count == 1

    search_page(client, "zebra stripes")

    counted = UnansweredSearch.objects.get()
    assert (counted.query, counted.count) == ("zebra stripes", 2)
    assert counted.last_searched == timezone.localdate()


def test_a_search_that_finds_something_records_nothing(client, some_articles):
    assert titles(client, "back pain")

    assert not UnansweredSearch.objects.exists()


@pytest.mark.parametrize("query", ["", "   "], ids=["empty", "whitespace"])
def test_an_empty_search_records_nothing(client, query):
    search_page(client, query)

    assert not UnansweredSearch.objects.exists()


def test_nothing_about_who_searched_is_stored(client):
    reader = UserFactory(username="reader-searching")
    client.force_login(reader)

    client.get(
        reverse("search:results"),
        {"q": "zebra stripes"},
        headers={"user-agent": "Distinctive-Browser/9.9"},
        REMOTE_ADDR="203.0.113.77",
    )

    fields = {field.name for field in UnansweredSearch._meta.get_fields()}
    assert fields == {"id", "query", "count", "last_searched"}
    stored = UnansweredSearch.objects.get()
    assert (stored.query, stored.count) == ("zebra stripes", 1)
    for detail in ("reader-searching", "Distinctive-Browser", "203.0.113.77"):
        assert detail not in str(UnansweredSearch.objects.values().get())
