"""Which article a search puts first, and which section of it is the best match."""

import pytest

from .search_helpers import article, found, marked, titles

pytestmark = pytest.mark.django_db


# Ranking


def test_a_title_match_outranks_a_body_that_repeats_the_word(client):
    article(
        "Everyday aches",
        "Hamstring pain is common. Rest the hamstring, ice the hamstring, stretch the "
        "hamstring. Hamstring tears are rare.",
    )
    article("Hamstring strain", "Rest for a day or two, then move gently.")

    assert titles(client, "hamstring") == ["Hamstring strain", "Everyday aches"]


def test_a_standfirst_match_outranks_a_body_match(client):
    article("Everyday aches", "A sore calf is common. Stretch the calf. Warm the calf.")
    article(
        "Sore legs",
        "Rest for a day or two, then move gently.",
        standfirst="What to do about a sore calf after sport.",
    )

    assert titles(client, "calf") == ["Sore legs", "Everyday aches"]


def test_a_section_heading_match_makes_that_section_the_best_match(client):
    article(
        "Leg care",
        sections=[
            ("Overview", "Rest helps most aches. Your calf may feel tight for a while."),
            ("Calf stretches", "Stand facing a wall and lean forward slowly."),
        ],
    )

    [result] = found(client, "calf")

    assert result["heading"] == "Calf stretches"


def test_a_section_heading_match_outranks_a_body_match_in_another_article(client):
    article("Everyday aches", "Your calf may feel tight for a while.")
    article("Leg care", heading="Calf stretches", body="Stand facing a wall and lean forward.")

    assert titles(client, "calf") == ["Leg care", "Everyday aches"]


def test_an_article_with_all_the_readers_words_outranks_one_repeating_a_single_word(client):
    article("Back worries", "Back pain, back ache, back strain: the back is a common worry.")
    article("Moving again", "If you find it hard to bend, start with small movements.")
    article("Bending well", "Bend your knees and keep your back straight.")

    assert titles(client, "bend back")[0] == "Bending well"


# The best section of an article


def test_the_best_section_is_the_one_that_mentions_the_word_and_its_link_goes_there(client):
    quinine = article(
        "Night cramps",
        sections=[
            ("What they are", "Sudden tight muscles in the leg while you sleep."),
            ("Medicines", "Quinine is no longer advised for most people."),
            ("Getting help", "See a GP if they keep waking you."),
        ],
    )
    medicines = quinine.sections.get(heading="Medicines")

    [result] = found(client, "quinine")

    assert result["heading"] == "Medicines"
    assert result["section_url"] == f"/articles/{quinine.slug}/#{medicines.anchor}"
    assert medicines.anchor == "medicines"
    assert marked(result["snippet"]) == ["Quinine"]
