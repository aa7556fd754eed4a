"""The admin pages for synonyms and for searches that found nothing, and who may use them."""

import pytest
from django.urls import reverse

from search.models import SearchSynonym, UnansweredSearch

from .factories import ModeratorFactory
from .search_helpers import article, titles

pytestmark = pytest.mark.django_db


def test_a_clinician_can_list_and_add_synonyms(clinician_client):
    changelist = clinician_client.get(reverse("admin:search_searchsynonym_changelist"))
    assert changelist.status_code == 200
    assert "slipped disc" in changelist.content.decode()
    assert clinician_client.get(reverse("admin:search_searchsynonym_add")).status_code == 200

    response = clinician_client.post(
        reverse("admin:search_searchsynonym_add"),
        {"phrase": "Charley  Horse", "same_as": "cramp"},
    )

    assert response.status_code == 302
    assert SearchSynonym.objects.filter(phrase="charley horse", same_as="cramp").exists()


def test_a_synonym_added_in_the_admin_works_at_once(clinician_client, client):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    assert titles(client, "charley horse") == []

    clinician_client.post(
        reverse("admin:search_searchsynonym_add"), {"phrase": "charley horse", "same_as": "cramp"}
    )

    assert titles(client, "charley horse") == ["Night trouble"]


def test_a_clinician_sees_searches_that_found_nothing_but_cannot_add_or_change_them(
    clinician_client,
):
    UnansweredSearch.objects.create(query="zebra stripes", count=1)
    unanswered = UnansweredSearch.objects.get()

    changelist = clinician_client.get(reverse("admin:search_unansweredsearch_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "zebra stripes" in html
    assert reverse("admin:search_unansweredsearch_add") not in html

    add = reverse("admin:search_unansweredsearch_add")
    assert clinician_client.get(add).status_code == 403
    assert clinician_client.post(add, {"query": "made up", "count": 5}).status_code == 403
    change = reverse("admin:search_unansweredsearch_change", args=[unanswered.pk])
    assert clinician_client.post(change, {"query": "changed", "count": 99}).status_code == 403
    unanswered.refresh_from_db()
    assert (unanswered.query, unanswered.count) == ("zebra stripes", 1)


def test_a_moderator_cannot_see_synonyms(client):
    client.force_login(ModeratorFactory())

    response = client.get(reverse("admin:search_searchsynonym_changelist"))

    assert response.status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:search_searchsynonym_changelist") not in index
