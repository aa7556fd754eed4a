"""The search box on every public page, and a results page that is unindexed and never breaks."""

import re

import pytest
from django.urls import reverse

from .search_helpers import article, back_pain_and_leg_cramps, search_page, titles

pytestmark = pytest.mark.django_db


# Whatever a reader types

HOSTILE_QUERIES = {
    "empty": "",
    "whitespace": "   \t  ",
    "1000 characters": "back pain " * 100,
    "one 1000 character word": "a" * 1000,
    "NUL byte": "back\x00pain",
    "script tag": "<script>alert(1)</script>",
    "attribute breakout": '" autofocus onfocus="alert(1)',
    "SQL": "' OR 1=1 --",
    "unbalanced quote": '"unbalanced quote',
    "tsquery operators": "a & b | !c :*",
    "dashes": "---",
    "minus only": "- -back",
    "like wildcards": "100% _back_ \\",
    "emoji": "🤕 back 💥",
    "only common words": "the and of it",
    "many words": "back pain spasm cramp leg calf night sleep stretch heat ice rest walk swim",
    "or": "back or or or",
}


@pytest.fixture
def some_articles():
    back_pain_and_leg_cramps()


@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=list(HOSTILE_QUERIES))
def test_odd_and_hostile_queries_get_a_normal_page_that_never_echoes_raw_html(
    client, some_articles, query
):
    response = client.get(reverse("search:results"), {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert "<script>" not in html
    assert 'onfocus="alert' not in html
    if any(character in query for character in "<>\"'&"):
        assert query.strip() not in html


def test_a_query_is_shortened_to_200_characters(client):
    html = search_page(client, "x" * 1000)

    assert "x" * 200 in html
    assert "x" * 201 not in html


def test_a_nul_byte_is_ignored_not_refused(client, some_articles):
    assert titles(client, "back\x00pain") == ["Back pain"]


# The search box


def public_pages():
    neck = article("Neck pain", "Most neck pain eases in a few weeks.")
    return {
        "home": reverse("articles:home"),
        "article": neck.get_absolute_url(),
        "checker": reverse("triage:checker"),
        "search": reverse("search:results") + "?q=neck",
    }


@pytest.mark.parametrize("page", ["home", "article", "checker", "search"])
def test_every_public_page_has_a_labelled_search_box_sending_a_get_to_search(client, page):
    response = client.get(public_pages()[page])
    assert response.status_code == 200
    html = response.content.decode()

    form = re.search(r'<form class="site-search"[^>]*>(.*?)</form>', html, re.DOTALL)
    assert form is not None
    opening = form.group(0).split(">", 1)[0]
    assert 'role="search"' in opening
    assert 'method="get"' in opening
    assert 'action="/search/"' in opening
    label = re.search(r'<label for="([^"]+)">([^<]+)</label>', form.group(1))
    assert label is not None, "a label with visible text and no hiding class"
    assert label.group(2).strip() == "Search health articles"
    assert re.search(rf'<input id="{label.group(1)}"[^>]*name="q"', form.group(1))


def test_the_results_page_is_not_indexed_and_keeps_the_query_in_the_box(client):
    article("Neck pain", "Most neck pain eases in a few weeks.")

    html = search_page(client, 'neck "pain"')

    assert '<meta name="robots" content="noindex">' in html
    assert html.count('value="neck &quot;pain&quot;"') == 2  # the header box and the page's


def test_other_pages_may_be_indexed(client):
    html = client.get(reverse("articles:home")).content.decode()

    assert 'content="noindex"' not in html
