"""The snippet each result shows: from the best section, matched words marked, text escaped."""

from html import unescape

import pytest

from search.models import SearchWord

from .search_helpers import article, found, marked, results, search_page, snippet_words

pytestmark = pytest.mark.django_db


def test_stored_text_that_looks_like_html_is_escaped_in_the_snippet(client):
    article("Formatting", "Type `<b>` to make bold text.")

    [result] = found(client, "bold")

    assert "&lt;b&gt;" in result["snippet"]
    assert "<b>" not in result["snippet"]


def test_the_snippet_comes_from_the_best_section(client):
    article(
        "Ice and heat",
        sections=[
            ("Overview", "Rest and time help most people."),
            ("Ice packs", "Wrap the ice in a towel. Never put ice straight on skin."),
        ],
    )

    [result] = found(client, "towel")

    assert result["heading"] == "Ice packs"
    assert "the ice in a towel." in " ".join(snippet_words(result["snippet"]))
    assert marked(result["snippet"]) == ["towel"]
    assert "Rest and time" not in result["snippet"]


def test_the_snippet_marks_every_matched_word_with_punctuation_outside(client):
    article(
        "Calf care",
        "Calf pain eases with a gentle stretch. Stretching the calf, daily, helps; rest too.",
    )

    [result] = found(client, "calf stretch")

    assert marked(result["snippet"]) == ["Calf", "stretch", "Stretching", "calf"]
    assert "<mark>stretch</mark>." in result["snippet"]
    assert "<mark>calf</mark>," in result["snippet"]


def test_a_singular_finds_and_marks_its_plural_ending_in_es(client):
    article("What a cramp is", "A cramp is a muscle that tightens by itself.")
    article("Tight legs", "Your muscles may feel tight after sport.")
    assert SearchWord.objects.filter(word="muscle").exists()  # so no typo correction

    snippets = {unescape(result["title"]): result["snippet"] for result in found(client, "muscle")}

    assert set(snippets) == {"What a cramp is", "Tight legs"}
    assert marked(snippets["Tight legs"]) == ["muscles"]


def test_a_word_is_not_marked_inside_an_unrelated_longer_word(client):
    article("Ear pain", "Ear pain in a cold often starts early and eases within days.")

    [result] = found(client, "ear")

    assert marked(result["snippet"]) == ["Ear"]


def test_only_whole_synonym_phrases_are_marked(client):
    article("Sciatica", "Sciatica is pain from an irritated nerve in the lower back.")

    [result] = found(client, "sciatica")

    assert marked(result["snippet"]) == ["Sciatica"]


@pytest.mark.parametrize(
    ("body", "literal"),
    [
        ("Never paste <img src=x onerror=alert(1)> into a page.", False),
        ("Never paste `<img src=x onerror=alert(1)>` into a page.", True),
        ("Never paste &lt;img src=x onerror=alert(1)&gt; into a page.", True),
    ],
    ids=["raw html", "code span", "entities"],
)
def test_an_img_tag_in_a_body_never_reaches_the_results_page_as_a_tag(client, body, literal):
    article("Safe pages", body)

    html = search_page(client, "paste")
    [result] = results(html)

    assert "<img" not in html
    assert "onerror=alert(1)>" not in html
    assert marked(result["snippet"]) == ["paste"]
    # Markdown and nh3 drop a real tag; text that only looks like one is shown as text.
    assert ("&lt;img src=x onerror=alert(1)&gt;" in result["snippet"]) == literal


def test_a_long_section_gives_at_most_32_words_around_the_match_with_ellipses(client):
    before = " ".join(f"before{n}" for n in range(60))
    after = " ".join(f"after{n}" for n in range(60))
    article("Long read", f"{before} quinine {after}")

    [result] = found(client, "quinine")

    words = snippet_words(result["snippet"])
    assert 20 <= len(words) <= 32
    assert "quinine" in words
    assert result["snippet"].startswith("… ")
    assert result["snippet"].endswith(" …")


def test_a_short_section_is_shown_whole_without_ellipses(client):
    article("Short read", "Quinine is no longer advised.")

    [result] = found(client, "quinine")

    assert result["snippet"] == "<mark>Quinine</mark> is no longer advised."
