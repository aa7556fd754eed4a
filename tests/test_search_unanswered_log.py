"""The private log of searches that found nothing: normalised words and a count of readers,
never who, and only for words three different readers searched for on one day."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from search.models import UnansweredSearch

from .factories import UserFactory
from .search_helpers import back_pain_and_leg_cramps, titles

pytestmark = pytest.mark.django_db

READERS = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


@pytest.fixture
def some_articles():
    back_pain_and_leg_cramps()


def search_from(address, query):
    response = Client().get(reverse("search:results"), {"q": query}, REMOTE_ADDR=address)
    assert response.status_code == 200


def test_a_search_that_finds_nothing_is_counted_by_its_normalised_words():
    for address, words in zip(
        READERS, ["  Zebra   STRIPES ", "zebra stripes", "ZEBRA stripes"], strict=True
    ):
        search_from(address, words)
    assert UnansweredSearch.objects.get().query == "zebra stripes"
    assert UnansweredSearch.objects.get().count == 3

    search_from("203.0.113.4", "zebra  Stripes")

    counted = UnansweredSearch.objects.get()
    assert (counted.query, counted.count) == ("zebra stripes", 4)
    assert counted.last_searched == timezone.localdate()


def test_a_reader_is_counted_once_a_day_however_often_they_search():
    for address in READERS:
        search_from(address, "zebra stripes")

    for _ in range(5):
        search_from(READERS[0], "zebra stripes")

    assert UnansweredSearch.objects.get().count == 3


def test_a_search_that_finds_something_records_nothing(client, some_articles):
    for address in READERS:
        assert titles(Client(REMOTE_ADDR=address), "back pain")

    assert not UnansweredSearch.objects.exists()


@pytest.mark.parametrize(
    "query", ["", "   ", "how do i"], ids=["empty", "whitespace", "only common words"]
)
def test_an_empty_search_records_nothing(query):
    for address in READERS:
        search_from(address, query)

    assert not UnansweredSearch.objects.exists()


def test_nothing_about_who_searched_is_stored():
    for n, address in enumerate(READERS):
        reader = Client()
        reader.force_login(UserFactory(username=f"reader-searching-{n}"))
        reader.get(
            reverse("search:results"),
            {"q": "zebra stripes"},
            headers={"user-agent": "Distinctive-Browser/9.9"},
            REMOTE_ADDR=address,
        )

    fields = {field.name for field in UnansweredSearch._meta.get_fields()}
    assert fields == {"id", "query", "count", "last_searched"}
    stored = UnansweredSearch.objects.get()
    assert (stored.query, stored.count) == ("zebra stripes", 3)
    for detail in ("reader-searching", "Distinctive-Browser", *READERS):
        assert detail not in str(UnansweredSearch.objects.values().get())
