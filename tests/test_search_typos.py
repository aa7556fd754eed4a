"""Typo correction: a misspelt word is corrected and said so; a word we use is never changed."""

from html import unescape

import pytest

from .search_helpers import article, correction, results, search_page, titles

pytestmark = pytest.mark.django_db


NOTHING_FOUND = "We did not find any articles for"


def test_a_misspelt_word_is_corrected_and_said_so(client):
    article("Sciatica", "Sciatica is pain that travels from the lower back down the leg.")
    article("Shoulder pain", "Most shoulder pain eases in a few weeks.")

    html = search_page(client, "sciatca")

    assert correction(html) == "sciatica"
    assert [unescape(result["title"]) for result in results(html)] == ["Sciatica"]


def test_a_word_close_to_nothing_we_know_finds_nothing_and_is_not_corrected(client):
    article("Sciatica", "Sciatica is pain that travels from the lower back down the leg.")

    html = search_page(client, "qwxz")

    assert results(html) == []
    assert correction(html) is None
    assert NOTHING_FOUND in html


@pytest.mark.parametrize(
    "place",
    [
        "title",
        "heading",
        "body",
        pytest.param(
            "standfirst",
        ),
    ],
)
def test_a_correctly_spelt_word_our_articles_use_is_never_corrected(client, place):
    # "hamstrings" is known too, and is the closest other word to "hamstring".
    article("Leg care", "Stretch your hamstrings after a run.")
    words = {"title": "Strains", "heading": "Rest", "body": "Rest.", "standfirst": "Advice."}
    words[place] = {
        "title": "Hamstring strains",
        "heading": "Hamstring rest",
        "body": "Rest the hamstring.",
        "standfirst": "Advice on a sore hamstring.",
    }[place]
    article(words["title"], words["body"], heading=words["heading"], standfirst=words["standfirst"])

    html = search_page(client, "hamstring")

    assert correction(html) is None
    assert "We could not find" not in html
    assert words["title"] in [unescape(result["title"]) for result in results(html)]


def test_a_possessive_word_an_article_uses_is_not_corrected(client):
    article("Drinking enough", "If you have a kidney condition, follow your doctor's advice.")
    article("Back pain", "Doctors call this non-specific back pain.")

    html = search_page(client, "doctor's advice")

    assert correction(html) is None
    assert titles(client, "doctor's advice")[0] == "Drinking enough"


def test_short_words_are_never_corrected(client):
    article("Calf pain", "A sore calf usually settles.")

    assert correction(search_page(client, "cal")) is None
