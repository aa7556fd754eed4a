"""The symptom checker form: red flags first; a missing or bad answer comes back with an error."""

import re

import pytest

from .checker_forms import URL, answers, assert_form_with_errors, checked_value, question_block
from .triage_spec import GP_QUESTIONS, RED_FLAGS

pytestmark = pytest.mark.django_db

REQUIRED_MESSAGE = "We need this answer to check for signs that need urgent help."


def number_value(html, slug):
    tag = re.search(rf'<input[^>]*name="{slug}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else None


# The form


def test_the_form_asks_every_question_red_flags_first(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'name="{slug}"') for slug in [*RED_FLAGS, *GP_QUESTIONS]]
    assert positions[:4] == sorted(positions[:4])
    assert max(positions[:4]) < min(positions[4:12])
    assert max(positions[4:12]) < min(positions[12:])
    assert 'name="duration_weeks"' in html
    assert re.search(r'<form method="post" action="/triage/"', html)
    assert "This is not a diagnosis" in html
    assert "data-disposition" not in html


def test_only_the_gp_questions_are_marked_optional(client):
    html = client.get(URL).content.decode()

    for slug in [*GP_QUESTIONS, "duration_weeks"]:
        assert "(optional)" in question_block(html, slug), slug
    for slug in RED_FLAGS:
        assert "(optional)" not in question_block(html, slug), slug


def test_the_form_fills_in_the_emergency_number_from_settings(client, settings):
    settings.EMERGENCY_NUMBER = "112"

    html = client.get(URL).content.decode()

    assert "such as a car crash, call 112." in question_block(html, "serious_accident")
    assert "call 112 now" in html
    assert "999" not in html


# Missing and malformed answers


@pytest.mark.parametrize("missing", ["saddle_numbness", "chest_pain", "fever", "upper_back"])
def test_a_missing_red_flag_answer_shows_the_form_again_with_every_answer_kept(client, missing):
    given = answers(both_legs="no", worried="yes", recurrent="no", duration_weeks="7")
    del given[missing]

    response = client.post(URL, given)

    html = assert_form_with_errors(response)
    assert REQUIRED_MESSAGE in question_block(html, missing)
    for slug in [*RED_FLAGS, *GP_QUESTIONS]:
        if slug != missing:
            assert REQUIRED_MESSAGE not in question_block(html, slug), slug
            assert checked_value(html, slug) == given.get(slug), slug
    assert checked_value(html, missing) is None
    assert number_value(html, "duration_weeks") == "7"
    assert "Error:" in html[: html.index("</title>")]
    assert (
        "Answer yes or no."
        in html[html.index("There is a problem") : html.index('<form method="post"')]
    )


def test_a_skipped_gp_question_stays_unanswered_when_the_form_comes_back(client):
    given = answers(stops_daily_life="yes")
    del given["night_pain"]

    html = assert_form_with_errors(client.post(URL, given))

    assert checked_value(html, "stops_daily_life") == "yes"
    assert checked_value(html, "recurrent") is None
    assert number_value(html, "duration_weeks") in (None, "")


def test_every_missing_red_flag_gets_its_own_error(client):
    html = assert_form_with_errors(client.post(URL, {"worried": "yes", "duration_weeks": "2"}))

    for slug in RED_FLAGS:
        assert REQUIRED_MESSAGE in question_block(html, slug), slug
    assert checked_value(html, "worried") == "yes"
    assert number_value(html, "duration_weeks") == "2"


def test_a_post_with_no_answers_at_all_shows_the_missing_answer_errors(client):
    html = assert_form_with_errors(client.post(URL, {}))

    assert REQUIRED_MESSAGE in question_block(html, "saddle_numbness")


LONG = "9" * 100_000


@pytest.mark.parametrize("value", ["maybe", "-3", "9999", "2.5", "", LONG, "x" * 100_000])
@pytest.mark.parametrize("slug", ["saddle_numbness", "fever"])
def test_a_malformed_red_flag_answer_shows_the_form_with_an_error(client, slug, value):
    response = client.post(URL, answers(**{slug: value}))

    html = assert_form_with_errors(response)
    block = question_block(html, slug)
    assert "Choose yes or no." in block or REQUIRED_MESSAGE in block


@pytest.mark.parametrize("value", ["maybe", "-3", "9999", "2.5", LONG, "x" * 100_000])
def test_a_malformed_gp_answer_shows_the_form_with_an_error(client, value):
    html = assert_form_with_errors(client.post(URL, answers(worried=value)))

    assert "Choose yes or no." in question_block(html, "worried")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "Enter a whole number of weeks, like 2."),
        ("2.5", "Enter a whole number of weeks, like 2."),
        ("-3", "Enter a number of weeks from 0 upwards."),
        ("9999", "Enter a number of weeks up to 520."),
        ("521", "Enter a number of weeks up to 520."),
        (LONG, "Enter a whole number of weeks, like 2."),
        ("x" * 100_000, "Enter a whole number of weeks, like 2."),
    ],
)
def test_a_malformed_number_of_weeks_shows_the_form_with_an_error(client, value, message):
    html = assert_form_with_errors(client.post(URL, answers(worried="yes", duration_weeks=value)))

    assert message in question_block(html, "duration_weeks")
    assert checked_value(html, "worried") == "yes"
