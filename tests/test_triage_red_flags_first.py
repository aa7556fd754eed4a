"""Red flags first: a yes to a warning sign gives its advice at once, whatever else the form
is missing, repeats or cannot read; only without one do missing answers stop the reader.

Everything goes through the real form with the default questions the data migration
installs, the way a reader's browser (or a tampered request) would send it.
"""

import re

import pytest

from .checker_forms import (
    EMERGENCY_STANDS,
    EVERY_QUESTION,
    REQUIRED_MESSAGE,
    URGENT_STANDS,
    URL,
    answers,
    assert_emergency_advice,
    assert_form_with_errors,
    checked_value,
    disposition_of,
    escaped,
    listed,
    question_block,
    recorded_counts,
    text_of,
)
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, RED_FLAGS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db


# The reproduction: one red flag ticked, everything else blank


def test_numbness_around_the_bottom_alone_gives_the_emergency_advice_at_once(client):
    response = client.post(URL, {"saddle_numbness": "yes"})

    html = assert_emergency_advice(response)
    assert "Answer yes or no" not in html
    assert listed(html, "unanswered") == [
        escaped(text_of(slug)) for slug in EVERY_QUESTION if slug != "saddle_numbness"
    ]
    assert "You did not answer:" in html
    assert EMERGENCY_STANDS in html
    assert html.index("Call 999</a>") < html.index("You did not answer:")
    assert "could not be read" not in html
    assert recorded_counts() == ({"emergency": 1}, {"saddle_numbness": 1})


@pytest.mark.parametrize("slug", EMERGENCY_QUESTIONS)
def test_any_emergency_sign_alone_gives_the_emergency_advice(client, slug):
    html = assert_emergency_advice(client.post(URL, {slug: "yes"}))

    assert EMERGENCY_STANDS in html
    assert recorded_counts() == ({"emergency": 1}, {slug: 1})


@pytest.mark.parametrize("slug", URGENT_QUESTIONS)
def test_any_urgent_sign_alone_gives_the_urgent_advice(client, slug):
    response = client.post(URL, {slug: "yes"})

    assert response.status_code == 200
    html = response.content.decode()
    assert disposition_of(response) == "urgent"
    assert "Get help today: call 111 or your GP surgery" in html
    assert re.search(r'<a [^>]*href="tel:111"[^>]*>Call 111</a>', html)
    assert "There is a problem" not in html
    assert escaped(text_of("saddle_numbness")) in listed(html, "unanswered")
    assert URGENT_STANDS in html
    assert recorded_counts() == ({"urgent": 1}, {slug: 1})


def test_an_urgent_sign_with_some_emergency_signs_blank_still_warns_about_them(client):
    html = client.post(URL, {"fever": "yes", "chest_pain": "no"}).content.decode()

    # The urgent advice's safety net names the emergency signs and the number to call.
    assert "Call 999 or go to the emergency department if you get numbness" in html
    assert escaped(text_of("chest_pain")) not in listed(html, "unanswered")
    assert escaped(text_of("both_legs")) in listed(html, "unanswered")


def test_the_most_urgent_red_flag_given_wins_and_every_yes_is_listed(client):
    html = client.post(URL, {"fever": "yes", "both_legs": "yes", "worried": "yes"}).content.decode()

    assert 'data-disposition="emergency"' in html
    assert "pain, numbness, tingling or weakness in both legs" in html
    assert "a high temperature, or you feel hot and shivery" in html
    assert "you are worried about the pain, or finding it hard to cope" in html
    assert recorded_counts() == ({"emergency": 1}, {"both_legs": 1, "fever": 1, "worried": 1})


def test_a_complete_form_gives_its_result_without_any_note(client):
    html = client.post(URL, answers(saddle_numbness="yes")).content.decode()

    assert 'data-disposition="emergency"' in html
    assert "About your answers" not in html
    assert "You did not answer" not in html


# Without a yes to a red flag, missing answers are errors as before


def test_no_red_flag_yes_and_blanks_show_the_errors_with_the_answers_kept(client):
    given = {"saddle_numbness": "no", "fever": "no", "worried": "yes", "duration_weeks": "4"}

    html = assert_form_with_errors(client.post(URL, given))

    for slug in RED_FLAGS:
        block = question_block(html, slug)
        if slug in given:
            assert REQUIRED_MESSAGE not in block, slug
            assert checked_value(html, slug) == "no", slug
        else:
            assert REQUIRED_MESSAGE in block, slug
    assert checked_value(html, "worried") == "yes"
    assert re.search(r'<input[^>]*name="duration_weeks"[^>]*value="4"', html)
    assert "Error:" in html[: html.index("</title>")]


def test_a_malformed_red_flag_answer_is_not_a_yes(client):
    html = assert_form_with_errors(client.post(URL, answers(saddle_numbness="Yes ")))

    assert "Choose yes or no." in question_block(html, "saddle_numbness")


# A red flag's yes wins over errors elsewhere


@pytest.mark.parametrize("weeks", ["abc", "-3", "9999", "2.5"])
def test_an_unreadable_number_of_weeks_does_not_hold_back_the_emergency_advice(client, weeks):
    response = client.post(URL, answers(saddle_numbness="yes", duration_weeks=weeks))

    html = assert_emergency_advice(response)
    assert "Some answers could not be read" in html
    assert listed(html, "unreadable") == [escaped(text_of("duration_weeks"))]
    assert listed(html, "unanswered") == [escaped(text_of(slug)) for slug in GP_QUESTIONS]
    assert EMERGENCY_STANDS in html
    assert recorded_counts() == ({"emergency": 1}, {"saddle_numbness": 1})


def test_an_unreadable_answer_to_another_red_flag_does_not_hold_back_the_advice(client):
    response = client.post(URL, {"chest_pain": "yes", "fever": "maybe", "worried": "x" * 5000})

    html = assert_emergency_advice(response)
    assert listed(html, "unreadable") == [escaped(text_of("fever")), escaped(text_of("worried"))]


def test_an_unreadable_emergency_answer_with_an_urgent_yes_gives_the_urgent_advice(client):
    html = client.post(URL, {"fever": "yes", "chest_pain": "maybe"}).content.decode()

    assert 'data-disposition="urgent"' in html
    assert listed(html, "unreadable") == [escaped(text_of("chest_pain"))]
    assert URGENT_STANDS in html
