"""Red flags first: a yes to a warning sign gives its advice at once, whatever else the form
is missing, repeats or cannot read; only without one do missing answers stop the reader.

Everything goes through the real form with the default questions the data migration
installs, the way a reader's browser (or a tampered request) would send it.
"""

import re

import pytest
from django.db import DatabaseError
from django.http import QueryDict
from django.test import Client

from triage.forms import TriageForm
from triage.models import Question

from .checker_forms import URL, answers, checked_value, disposition_of, recorded_counts
from .factories import ArticleFactory, ArticleTreatmentFactory, TopicFactory
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, RED_FLAGS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db

REQUIRED_MESSAGE = "Answer yes or no. We need this answer to check for signs that need urgent help."
CONFLICTING_MESSAGE = "We got two different answers to this question. Choose one."
UNRECOGNISED_MESSAGE = (
    "The form had answers we do not recognise. Please check your answers and send them again."
)
EMERGENCY_STANDS = "This does not change the advice: call 999 now."
URGENT_STANDS = "This does not change the advice: get help today. Call 111 or your GP surgery."
EVERY_QUESTION = [*RED_FLAGS, *GP_QUESTIONS, "duration_weeks"]


def text_of(slug):
    return Question.objects.get(slug=slug).text


def listed(html, css_class):
    """The items of one list on the result page (e.g. the questions not answered)."""
    found = re.search(rf'<ul class="{css_class}">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    return [item.strip() for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def escaped(text):
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


def question_block(html, slug):
    """The part of the form page that belongs to one question."""
    start = html.index(f'id="div_id_{slug}"')
    following = html.find('id="div_id_', start + 1)
    return html[start : following if following != -1 else html.index("</form>", start)]


def assert_form_with_errors(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "data-disposition" not in html
    assert recorded_counts() == ({}, {})
    return html


def assert_emergency_advice(response, number="999"):
    assert response.status_code == 200
    html = response.content.decode()
    assert disposition_of(response) == "emergency"
    assert f"Call {number} now or go to the emergency department" in html
    assert re.search(rf'<a [^>]*href="tel:{number}"[^>]*>Call {number}</a>', html)
    assert "There is a problem" not in html
    assert REQUIRED_MESSAGE not in html
    return html


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
    assert "you have pain, numbness or weakness in both legs" in html
    assert "you have a high temperature, or feel hot and shivery" in html
    assert "you are worried about the pain or finding it hard to cope" in html
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


def test_the_token_and_the_submit_button_are_not_unknown_fields():
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = browser.post(
        URL, answers(worried="yes") | {"csrfmiddlewaretoken": token, "submit": "Get my advice"}
    )

    assert disposition_of(response) == "gp"
    assert "do not recognise" not in response.content.decode()


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


# A failed security token


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_red_flag_sent_with_an_expired_token_still_gets_its_advice(strict_client):
    response = strict_client.post(URL, {"saddle_numbness": "yes", "duration_weeks": "3"})

    assert response.status_code == 403
    html = response.content.decode()
    assert disposition_of(response) == "emergency"
    assert re.search(r'<a [^>]*href="tel:999"[^>]*>Call 999</a>', html)
    assert "the form had expired" in html
    assert "We have not counted this result." in html
    assert EMERGENCY_STANDS in html
    assert "no-store" in response.headers["Cache-Control"]
    assert recorded_counts() == ({}, {})


def test_a_conflicting_red_flag_sent_with_an_expired_token_still_gets_its_advice(strict_client):
    response = strict_client.post(URL, answers(fever=["yes", "no"], duration_weeks="zz"))

    assert disposition_of(response) == "urgent"
    assert recorded_counts() == ({}, {})


def test_no_red_flag_with_an_expired_token_shows_the_answers_again(strict_client):
    response = strict_client.post(URL, answers(worried="yes", duration_weeks="3"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send your answers again" in html
    assert "data-disposition" not in html
    assert checked_value(html, "worried") == "yes"
    assert checked_value(html, "saddle_numbness") == "no"
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
