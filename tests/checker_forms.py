"""A reader's side of the symptom checker, through Django's test client: the answers their
browser sends, what the page shows back, and the anonymous counts a result leaves."""

import re

from django.urls import reverse

from triage.models import DailyOutcomeCount, DailyYesCount, Question

from .triage_spec import GP_QUESTIONS, RED_FLAGS

URL = reverse("triage:checker")


def answers(**given):
    """A form submission: "no" to every required (red-flag) question, plus the given answers."""
    return {slug: "no" for slug in RED_FLAGS} | given


def submit(client, **given):
    return client.post(URL, answers(**given))


def disposition_of(response):
    found = re.findall(r'data-disposition="([^"]*)"', response.content.decode())
    return found[0] if len(found) == 1 else found


def checked_value(html, slug):
    """The value of the checked radio button for a yes/no question, or None."""
    checked = [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(rf'<input[^>]*name="{slug}"[^>]*>', html)
        if re.search(r"\bchecked\b", tag)
    ]
    assert len(checked) <= 1
    return checked[0] if checked else None


def recorded_counts():
    return (
        {row.disposition: row.count for row in DailyOutcomeCount.objects.all()},
        {row.question_slug: row.count for row in DailyYesCount.objects.all()},
    )


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


def assert_emergency_advice(response, number="999"):
    assert response.status_code == 200
    html = response.content.decode()
    assert disposition_of(response) == "emergency"
    assert f"Call {number} now or go to the emergency department" in html
    assert re.search(rf'<a [^>]*href="tel:{number}"[^>]*>Call {number}</a>', html)
    assert "There is a problem" not in html
    assert REQUIRED_MESSAGE not in html
    return html
