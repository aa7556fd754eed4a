"""The log of searches that found nothing keeps no one reader's words, and cannot be grown
without limit: words reach clinicians only once three different readers searched for them
on one day, and until then only keyed, daily-changing hashes are stored, for a day or two."""

import datetime
import random
import string

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from governance.clients import client_key
from search.models import UnansweredSearch, UnansweredSearchCandidate

pytestmark = pytest.mark.django_db

CLINICIANS_LIST = reverse("admin:search_unansweredsearch_changelist")


def search_from(address, query):
    response = Client().get(reverse("search:results"), {"q": query}, REMOTE_ADDR=address)
    assert response.status_code == 200


def rows_in_every_table():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def everything_stored():
    return "\n".join(
        str(list(model._base_manager.values()))
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    )


def random_words(rng):
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(3))


def test_a_flood_of_random_searches_from_two_clients_stores_almost_nothing():
    rng = random.Random(1000)
    before = rows_in_every_table()

    for n in range(1000):
        search_from(f"198.51.100.{n % 2 + 1}", random_words(rng))

    after = rows_in_every_table()
    new_rows = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    assert sum(new_rows.values()) < 50, new_rows
    assert not UnansweredSearch.objects.exists()


def test_words_three_readers_searched_for_reach_the_clinicians_list(clinician_client):
    for address, words in [
        ("203.0.113.1", "Zebra stripes"),
        ("203.0.113.2", "  zebra   STRIPES "),
        ("203.0.113.3", "zebra stripes"),
    ]:
        search_from(address, words)

    html = clinician_client.get(CLINICIANS_LIST).content.decode()
    assert "zebra stripes" in html
    assert list(UnansweredSearch.objects.values_list("query", "count")) == [("zebra stripes", 3)]


def test_one_reader_searching_three_times_never_reaches_the_clinicians_list(clinician_client):
    for _ in range(3):
        search_from("203.0.113.1", "zebra stripes")

    assert "zebra stripes" not in clinician_client.get(CLINICIANS_LIST).content.decode()
    assert not UnansweredSearch.objects.exists()
    assert UnansweredSearchCandidate.objects.count() == 1


def test_readers_on_different_days_do_not_add_up(monkeypatch):
    today = timezone.localdate()
    search_from("203.0.113.1", "zebra stripes")
    search_from("203.0.113.2", "zebra stripes")

    monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=1))
    search_from("203.0.113.3", "zebra stripes")

    assert not UnansweredSearch.objects.exists()


def test_below_the_threshold_neither_the_words_nor_the_readers_are_stored():
    words = "my left knee clicks since tuesday"
    addresses = ["203.0.113.77", "2001:db8::77"]
    for address in addresses:
        search_from(address, words)

    assert UnansweredSearchCandidate.objects.count() == 2
    stored = everything_stored()
    keys = [client_key(RequestFactory().get("/", REMOTE_ADDR=address)) for address in addresses]
    for detail in [words, "knee clicks", "tuesday", *addresses, *keys]:
        assert detail not in stored
    # The same words hash differently tomorrow: nothing links one day's readers to the next.
    fields = {field.name for field in UnansweredSearchCandidate._meta.get_fields()}
    assert fields == {"id", "day", "query_hash", "reader_hash"}


def test_the_daily_job_deletes_searches_not_made_for_90_days_and_expired_candidates():
    today = timezone.localdate()
    for days_ago, query in [(91, "gone"), (90, "kept at 90 days"), (0, "searched today")]:
        UnansweredSearch.objects.create(
            query=query, count=5, last_searched=today - datetime.timedelta(days=days_ago)
        )
    for days_ago in [2, 1, 0]:
        UnansweredSearchCandidate.objects.create(
            day=today - datetime.timedelta(days=days_ago),
            query_hash=f"query-{days_ago}",
            reader_hash="reader",
        )

    call_command("delete_old_searches")

    assert set(UnansweredSearch.objects.values_list("query", flat=True)) == {
        "kept at 90 days",
        "searched today",
    }
    assert sorted(UnansweredSearchCandidate.objects.values_list("query_hash", flat=True)) == [
        "query-0",
        "query-1",
    ]


def test_the_candidates_stay_under_their_cap_the_oldest_dropped(settings):
    settings.SEARCH_LOG_MAX_CANDIDATES = 5
    for n in range(20):
        search_from(f"198.51.100.{n}", f"words nobody else typed {n}")

    assert UnansweredSearchCandidate.objects.count() == 5
    newest = UnansweredSearchCandidate.objects.order_by("-pk").first()
    # The newest search survives, so the last readers can still reach the threshold.
    search_from("198.51.100.200", "words nobody else typed 19")
    search_from("198.51.100.201", "words nobody else typed 19")
    assert UnansweredSearchCandidate.objects.filter(pk=newest.pk).exists()
    assert UnansweredSearch.objects.get().query == "words nobody else typed 19"


def test_the_clinicians_list_stays_under_its_cap_the_least_recently_searched_dropped(settings):
    settings.SEARCH_LOG_MAX_ROWS = 2
    today = timezone.localdate()
    for days_ago in [10, 5]:
        UnansweredSearch.objects.create(
            query=f"searched {days_ago} days ago",
            count=50,
            last_searched=today - datetime.timedelta(days=days_ago),
        )

    for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
        search_from(address, "zebra stripes")

    assert set(UnansweredSearch.objects.values_list("query", flat=True)) == {
        "zebra stripes",
        "searched 5 days ago",
    }


def test_a_search_that_finds_nothing_costs_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    """The search and its red flags take at most 9 (on PostgreSQL), the log at most 11 more:
    the most for the reader whose search lists the words (the reader's share, the candidate
    and its clean-up, the list and its cap, each write in a savepoint)."""
    search_from("203.0.113.1", "warm up")  # anything done once per process is done now
    search_from("203.0.113.2", "zebra stripes")
    search_from("203.0.113.3", "zebra stripes")

    with django_assert_max_num_queries(20):
        search_from("203.0.113.4", "zebra stripes")
    assert UnansweredSearch.objects.get().count == 3
    with django_assert_max_num_queries(20):
        search_from("203.0.113.5", "zebra stripes")
