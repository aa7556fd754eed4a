"""The checker and answers a browser would never send: a question answered twice, or names
that are no question. A conflicting answer to a red flag is read as the one that fires it."""

import re

import pytest
from django.http import QueryDict
from django.test import Client

from triage.forms import TriageForm
from triage.models import Question

from .checker_forms import (
    CONFLICTING_MESSAGE,
    EMERGENCY_STANDS,
    UNRECOGNISED_MESSAGE,
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
from .triage_spec import RED_FLAGS

pytestmark = pytest.mark.django_db


# The same question sent twice


def test_a_red_flag_sent_as_both_yes_and_no_is_taken_as_yes(client):
    response = client.post(URL, answers(saddle_numbness=["yes", "no"]))

    html = assert_emergency_advice(response)
    text = escaped(text_of("saddle_numbness"))
    assert f"You gave two answers to “{text}”; to be safe we have taken it as yes." in html
    assert EMERGENCY_STANDS in html
    assert recorded_counts() == ({"emergency": 1}, {"saddle_numbness": 1})


def test_a_red_flag_sent_as_no_then_yes_with_others_blank_is_taken_as_yes(client):
    html = assert_emergency_advice(client.post(URL, {"both_legs": ["no", "yes"]}))

    assert "to be safe we have taken it as yes" in html
    assert escaped(text_of("saddle_numbness")) in listed(html, "unanswered")


def test_an_urgent_sign_sent_as_both_yes_and_no_is_taken_as_yes(client):
    response = client.post(URL, answers(fever=["no", "yes"]))

    assert disposition_of(response) == "urgent"
    assert "to be safe we have taken it as yes" in response.content.decode()


def test_the_same_answer_sent_twice_is_that_answer(client):
    emergency = client.post(URL, answers(saddle_numbness=["yes", "yes"]))
    self_care = client.post(URL, answers(saddle_numbness=["no", "no"], worried=["no", "no"]))

    assert disposition_of(emergency) == "emergency"
    assert "two answers" not in emergency.content.decode()
    assert "About your answers" not in emergency.content.decode()
    assert disposition_of(self_care) == "self_care"
    assert recorded_counts() == ({"emergency": 1, "self_care": 1}, {"saddle_numbness": 1})


def test_a_red_flag_sent_as_two_answers_neither_yes_is_an_error(client):
    html = assert_form_with_errors(client.post(URL, answers(saddle_numbness=["no", "maybe"])))

    assert CONFLICTING_MESSAGE in question_block(html, "saddle_numbness")
    assert checked_value(html, "saddle_numbness") is None


def test_a_routine_question_sent_as_yes_and_no_is_an_error_with_the_answers_kept(client):
    given = answers(worried=["yes", "no"], recurrent="yes", duration_weeks="3")

    html = assert_form_with_errors(client.post(URL, given))

    assert CONFLICTING_MESSAGE in question_block(html, "worried")
    assert checked_value(html, "worried") is None
    assert checked_value(html, "recurrent") == "yes"
    for slug in RED_FLAGS:
        assert checked_value(html, slug) == "no", slug
        assert CONFLICTING_MESSAGE not in question_block(html, slug), slug
    summary = html[html.index("There is a problem") : html.index('<form method="post"')]
    assert CONFLICTING_MESSAGE in summary
    assert 'href="#id_worried_0"' in summary


def test_two_different_numbers_of_weeks_are_an_error(client):
    html = assert_form_with_errors(client.post(URL, answers(duration_weeks=["3", "8"])))

    assert CONFLICTING_MESSAGE in question_block(html, "duration_weeks")


def test_a_conflicting_routine_answer_does_not_hold_back_a_red_flag(client):
    html = assert_emergency_advice(
        client.post(URL, answers(chest_pain="yes", worried=["yes", "no"]))
    )

    assert listed(html, "unreadable") == [escaped(text_of("worried"))]


def form_with_a_weeks_red_flag(*weeks):
    """A checker whose red flag is a number of weeks (4 or more is urgent), sent `weeks`."""
    questions = [
        Question(
            slug="weeks_off_work",
            text="How many weeks have you been off work?",
            said="you have been off work for {weeks} weeks",
            group="urgent_signs",
            kind="weeks",
            disposition="urgent",
            threshold_weeks=4,
        )
    ]
    data = QueryDict(mutable=True)
    data.setlist("weeks_off_work", list(weeks))
    return TriageForm(data, questions=questions)


@pytest.mark.parametrize("weeks", [("2", "6"), ("6", "2"), ("abc", "9"), ("5", "-1")])
def test_two_numbers_of_weeks_for_a_red_flag_are_read_as_the_one_that_fires(weeks):
    form = form_with_a_weeks_red_flag(*weeks)

    assert form.gives_advice()
    assert form.answers()["weeks_off_work"] == max(int(w) for w in weeks if w.isdigit())
    assert [question.slug for question in form.gaps().taken_as_yes] == ["weeks_off_work"]


@pytest.mark.parametrize("weeks", [("1", "2"), ("abc", "3"), ("600", "2")])
def test_two_numbers_of_weeks_neither_firing_the_red_flag_are_an_error(weeks):
    form = form_with_a_weeks_red_flag(*weeks)

    assert not form.gives_advice()
    assert form.errors["weeks_off_work"] == [CONFLICTING_MESSAGE]


# Names that are no question


def test_an_unknown_field_is_refused_with_the_answers_kept(client):
    given = answers(worried="yes", duration_weeks="3") | {"is_admin": "1", "colour": "blue"}

    html = assert_form_with_errors(client.post(URL, given))

    summary = html[html.index("There is a problem") : html.index('<form method="post"')]
    assert UNRECOGNISED_MESSAGE in summary
    assert "is_admin" not in html and "colour" not in html and "blue" not in html
    for slug in RED_FLAGS:
        assert checked_value(html, slug) == "no", slug
    assert checked_value(html, "worried") == "yes"
    assert re.search(r'<input[^>]*name="duration_weeks"[^>]*value="3"', html)


def test_an_unknown_field_does_not_hold_back_a_red_flag(client):
    response = client.post(URL, answers(bladder_bowel_change="yes") | {"colour": "blue"})

    html = assert_emergency_advice(response)
    assert "Some answers could not be read" in html
    assert "colour" not in html and "blue" not in html
    assert recorded_counts() == ({"emergency": 1}, {"bladder_bowel_change": 1})


def test_the_submit_button_is_not_an_unknown_field():
    browser = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})
    form = browser.get(URL).content.decode()
    assert re.search(r'<input type="submit"\s+name="submit"\s+value="Get my advice"', form)

    response = browser.post(URL, answers(worried="yes") | {"submit": "Get my advice"})

    assert disposition_of(response) == "gp"
    assert "do not recognise" not in response.content.decode()


def test_a_token_from_a_page_served_before_forms_went_without_is_not_an_unknown_field():
    """A browser may still hold a checker page from when its form carried a CSRF token."""
    browser = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})

    response = browser.post(
        URL, answers(worried="yes") | {"csrfmiddlewaretoken": "x" * 64, "submit": "Get my advice"}
    )

    assert disposition_of(response) == "gp"
    assert "do not recognise" not in response.content.decode()
