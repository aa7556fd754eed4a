"""The checker's result never withheld or wrong: the help-line numbers from settings, advice
for a form refused as not sent from this site, advice when the count cannot be stored, and
treatments with their cautions."""

import re

import pytest
from django.db import DatabaseError
from django.test import Client

from .checker_forms import (
    EMERGENCY_STANDS,
    URL,
    answers,
    assert_emergency_advice,
    checked_value,
    disposition_of,
    recorded_counts,
)
from .factories import ArticleFactory, ArticleTreatmentFactory, TopicFactory

pytestmark = pytest.mark.django_db


# The numbers come from settings


def test_another_emergency_number_is_shown_and_999_is_nowhere(client, settings):
    settings.EMERGENCY_NUMBER = "112"

    response = client.post(URL, {"saddle_numbness": "yes", "duration_weeks": "abc"})

    html = assert_emergency_advice(response, number="112")
    assert "This does not change the advice: call 112 now." in html
    assert "999" not in html


def test_another_urgent_number_is_shown_and_111_is_nowhere(client, settings):
    settings.URGENT_NUMBER = "116117"

    html = client.post(URL, {"night_pain": "yes"}).content.decode()

    assert "This does not change the advice: get help today. Call 116117 or your GP" in html
    assert re.search(r'href="tel:116117"[^>]*>Call 116117</a>', html)
    assert "111" not in html.replace("116117", "")


# A form the site could not check was sent from itself

NOT_CHECKED = "For your security, we could not check that the form was sent from this website."
# Every way a form is refused as not sent from this site: a current browser saying so, an
# older one naming another origin, and a sandboxed or privacy-preserving "null" origin.
SENT_FROM_ELSEWHERE = [
    pytest.param({"sec-fetch-site": "cross-site"}, id="cross-site"),
    pytest.param({"sec-fetch-site": "same-site"}, id="same-site"),
    pytest.param({"origin": "https://evil.example"}, id="old-browser-other-origin"),
    pytest.param({"origin": "null"}, id="old-browser-null-origin"),
]


@pytest.fixture(params=SENT_FROM_ELSEWHERE)
def refused_browser(request):
    return Client(enforce_csrf_checks=True, headers=request.param)


def test_a_red_flag_sent_from_another_site_still_gets_its_advice(refused_browser):
    response = refused_browser.post(URL, {"saddle_numbness": "yes", "duration_weeks": "3"})

    assert response.status_code == 403
    html = response.content.decode()
    assert disposition_of(response) == "emergency"
    assert "Call 999 now or go to the emergency department" in html
    assert re.search(r'<a [^>]*href="tel:999"[^>]*>Call 999</a>', html)
    assert NOT_CHECKED in html
    assert "We have not counted this result." in html
    assert EMERGENCY_STANDS in html
    assert "no-store" in response.headers["Cache-Control"]
    assert recorded_counts() == ({}, {})


def test_a_conflicting_red_flag_sent_from_another_site_still_gets_its_advice(refused_browser):
    response = refused_browser.post(URL, answers(fever=["yes", "no"], duration_weeks="zz"))

    assert response.status_code == 403
    assert disposition_of(response) == "urgent"
    assert "We have not counted this result." in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    assert recorded_counts() == ({}, {})


def test_no_red_flag_sent_from_another_site_shows_the_answers_again(refused_browser):
    response = refused_browser.post(URL, answers(worried="yes", duration_weeks="3"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send your answers again" in html
    assert NOT_CHECKED in html
    assert "data-disposition" not in html
    assert checked_value(html, "worried") == "yes"
    assert checked_value(html, "saddle_numbness") == "no"
    assert "no-store" in response.headers["Cache-Control"]
    assert recorded_counts() == ({}, {})


# A database that cannot count


def test_advice_is_shown_even_if_the_count_cannot_be_stored(client, monkeypatch):
    def refuse(outcome):
        raise DatabaseError("disk full")

    monkeypatch.setattr("triage.views.record_outcome", refuse)

    assert_emergency_advice(client.post(URL, {"chest_pain": "yes"}))


# Treatments come with their cautions


@pytest.fixture
def treatments_with_cautions():
    article = ArticleFactory(title="Back spasms", slug="back-spasms")
    article.topics.add(TopicFactory(name="Back pain", slug="back-pain"))
    ArticleTreatmentFactory(
        article=article,
        treatment__name="Ibuprofen",
        treatment__slug="ibuprofen",
        treatment__category="medicine",
        treatment__cautions="Not if you have asthma, a stomach ulcer or are pregnant.\n"
        "Ask a pharmacist <first>.",
    )
    ArticleTreatmentFactory(
        article=article,
        treatment__name="Gentle walking",
        treatment__slug="gentle-walking",
        treatment__cautions="",
    )
    return article


def test_the_suggested_treatments_show_their_cautions(client, treatments_with_cautions):
    html = client.post(URL, answers(worried="yes")).content.decode()

    assert disposition_of_html(html) == "gp"
    ibuprofen = treatment_item(html, "Ibuprofen")
    assert re.search(
        r'<p class="treatment-caution"><strong class="treatment-caution-label">Take care:</strong>'
        r" Not if you have asthma, a stomach ulcer or are pregnant.<br>Ask a pharmacist "
        r"&lt;first&gt;.</p>",
        ibuprofen,
    )
    assert "Take care" not in treatment_item(html, "Gentle walking")
    assert html.count('class="treatment-caution"') == 1
    assert "style=" not in html


def disposition_of_html(html):
    return re.search(r'data-disposition="([^"]*)"', html).group(1)


def treatment_item(html, name):
    section = html[html.index('id="treatments-heading"') :]
    start = section.index(f">{name}</a>")
    return section[start : section.index("</li>", start)]
