"""A reader's side of the symptom checker, through Django's test client: the answers their
browser sends, what the page shows back, and the anonymous counts a result leaves."""

import re

from django.urls import reverse

from triage.models import DailyOutcomeCount, DailyYesCount

from .triage_spec import RED_FLAGS

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
