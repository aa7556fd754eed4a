"""A search that mentions a red flag: that level's advice comes first, and the results still
follow. The red flags are the ones the data migration installs, as clinicians edit them."""

import re
from html import unescape

import pytest
from django.test import Client

from search.models import UnansweredSearch
from triage.models import RedFlag

from .search_helpers import article, results, search_page

pytestmark = pytest.mark.django_db

ADVICE = re.compile(
    r'<section class="red-flag-advice[^"]*"[^>]*data-level="(?P<level>\w+)">(?P<body>.*?)'
    r"</section>",
    re.DOTALL,
)
SEARCH_FORM_END = re.compile(r'<form class="search-page-form".*?</form>\s*', re.DOTALL)


@pytest.fixture(autouse=True)
def numbers(settings):
    """Numbers unlike the defaults, so a page that hard-codes 999 or 111 shows it."""
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116117"


def advice(html):
    """The advice shown (its level and its words as a reader reads them), or None."""
    match = ADVICE.search(html)
    if match is None:
        return None
    words = unescape(re.sub(r"<[^>]+>", " ", match.group("body")))
    return match.group("level"), " ".join(words.split())


def noticed(slug):
    return RedFlag.objects.get(slug=slug).noticed


def test_numb_bum_cant_pee_gets_the_emergency_advice_first(client):
    html = search_page(client, "numb bum cant pee")

    level, words = advice(html)
    assert level == "emergency"
    assert "Call 112" in words
    assert noticed("saddle_numbness") in words
    assert noticed("bladder_bowel_change") in words
    assert 'href="tel:112"' in html
    assert "999" not in html
    # The first thing after the search box, before anything about results.
    form_end = SEARCH_FORM_END.search(html).end()
    assert html[form_end:].startswith('<section class="red-flag-advice')


def test_the_results_are_still_listed_below_the_advice(client):
    article(
        "Numb bum and problems peeing",
        "A numb bum, or if you can't pee, can mean pressure on the nerves in your back.",
    )

    html = search_page(client, "numb bum cant pee")

    assert advice(html)[0] == "emergency"
    assert [unescape(result["title"]) for result in results(html)] == [
        "Numb bum and problems peeing"
    ]
    assert html.index("red-flag-advice") < html.index('<ol class="search-results">')


def test_a_search_that_finds_nothing_still_gets_the_advice(client):
    html = search_page(client, "numb bum cant pee")

    assert not results(html)
    assert advice(html)[0] == "emergency"
    assert html.index("red-flag-advice") < html.index('class="search-nothing"')
    # The log's rule is unchanged by the advice: words are listed for clinicians once
    # three different readers (this one and two more) searched for them.
    for address in ("192.0.2.1", "192.0.2.2"):
        search_page(Client(REMOTE_ADDR=address), "numb bum cant pee")
    assert list(UnansweredSearch.objects.values_list("query", "count")) == [
        ("numb bum cant pee", 3)
    ]


def test_an_urgent_sign_gets_the_urgent_advice_with_the_urgent_number(client):
    html = search_page(client, "back pain and a high temperature")

    level, words = advice(html)
    assert level == "urgent"
    assert "Call 116117" in words
    assert noticed("fever") in words
    assert "112" not in words
    assert 'href="tel:116117"' in html


@pytest.mark.parametrize(
    "query",
    [
        "stretches for back spasms",
        "back pain no numbness",
        "back pain with no numb bum",
        "back pain without a high temperature",
    ],
    ids=["ordinary", "no numbness", "no numb bum", "without a high temperature"],
)
def test_a_search_without_a_red_flag_gets_no_advice(client, query):
    html = search_page(client, query)

    assert advice(html) is None
    assert "red-flag-advice" not in html


def test_a_red_flag_a_clinician_switched_off_gives_no_advice(client):
    assert advice(search_page(client, "numb bum"))[0] == "emergency"

    RedFlag.objects.filter(slug="saddle_numbness").update(active=False)

    assert advice(search_page(client, "numb bum")) is None


def test_a_clinicians_new_wording_is_what_readers_see(client):
    RedFlag.objects.filter(slug="saddle_numbness").update(
        noticed="no feeling in your bottom or between your legs"
    )

    _, words = advice(search_page(client, "numb bum"))

    assert "no feeling in your bottom or between your legs" in words
    assert "inner thighs" not in words
