"""Clinicians' synonyms: a reader's words also find articles that use the other words."""

import pytest

from search.models import SearchSynonym

from .search_helpers import article, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def charley_horse():
    return SearchSynonym.objects.create(phrase="Charley  Horse", same_as=" Cramp")


def test_the_starter_synonyms_are_installed():
    pairs = set(SearchSynonym.objects.values_list("phrase", "same_as"))

    assert {("spasm", "cramp"), ("slipped disc", "herniated disc")} <= pairs


def test_a_clinician_synonym_finds_articles_using_the_other_words_both_ways(client, charley_horse):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    article("Leg knots", "Some people call it a charley horse.")

    assert set(titles(client, "charley horse")) == {"Night trouble", "Leg knots"}
    assert set(titles(client, "cramp")) == {"Night trouble", "Leg knots"}


def test_synonyms_are_stored_in_lower_case_with_single_spaces(charley_horse):
    assert (charley_horse.phrase, charley_horse.same_as) == ("charley horse", "cramp")


def test_a_synonym_match_ranks_below_a_match_of_the_readers_own_word(client, charley_horse):
    # The synonym is in a title, the reader's own word only once in a body: still second.
    article("Charley horse", "What to do when it strikes.")
    article("Night trouble", "A sudden cramp in the calf can wake you.")

    assert titles(client, "cramp") == ["Night trouble", "Charley horse"]
    assert titles(client, "charley horse") == ["Charley horse", "Night trouble"]


def test_a_starter_synonym_works_for_phrases(client):
    article("Back trouble", "A herniated disc can press on a nerve.")

    assert titles(client, "slipped disc") == ["Back trouble"]


def test_removing_a_synonym_stops_it_finding_the_other_words(client, charley_horse):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    article("Leg knots", "Some people call it a charley horse.")
    assert "Night trouble" in titles(client, "charley horse")

    charley_horse.delete()

    assert titles(client, "charley horse") == ["Leg knots"]
    assert titles(client, "cramp") == ["Night trouble"]
