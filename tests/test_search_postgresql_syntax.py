"""PostgreSQL's websearch syntax: quoted phrases and -exclusion (skipped on other databases)."""

import pytest
from django.db import connection

from .search_helpers import article, titles

pytestmark = pytest.mark.django_db


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="websearch syntax (quoted phrases, -exclusion) is PostgreSQL full-text search only",
)


@postgres_only
def test_a_quoted_phrase_finds_only_articles_with_those_words_together(client):
    article("Night cramps", "Leg cramps often come at night.")
    article("Arm ache", "Your leg may ache, and cramps can also hit the arm.")
    assert set(titles(client, "leg cramps")) == {"Night cramps", "Arm ache"}

    assert titles(client, '"leg cramps"') == ["Night cramps"]


@postgres_only
def test_a_minus_word_excludes_articles_that_use_it(client):
    article("Resting aches", "Cramps often come at night.")
    article("Sport aches", "Cramps can follow hard exercise.")
    assert set(titles(client, "cramps")) == {"Resting aches", "Sport aches"}

    assert titles(client, "cramps -night") == ["Sport aches"]


@postgres_only
def test_a_minus_word_excludes_an_article_whose_title_has_the_other_words(client):
    article("Resting cramps", "Cramps often come at night.")
    article("Sport aches", "Cramps can follow hard exercise.")

    assert titles(client, "cramps -night") == ["Sport aches"]


@postgres_only
def test_a_minus_word_excludes_an_article_that_uses_it_in_any_section(client):
    article(
        "Resting aches",
        sections=[
            ("When they happen", "Cramps often come at night."),
            ("Easing them", "Stretch the muscle gently until the cramps pass."),
        ],
    )
    article("Sport aches", "Cramps can follow hard exercise.")

    assert titles(client, "cramps -night") == ["Sport aches"]
