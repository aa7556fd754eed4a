"""The checker stores nothing about a reader: POST only, never cached, counted anonymously."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from triage.models import DailyOutcomeCount, DailyYesCount

from .checker_forms import URL, answers, checked_value, disposition_of, recorded_counts, submit
from .triage_spec import RED_FLAGS

pytestmark = pytest.mark.django_db


def every_row():
    """Every row of every table, as plain data: to prove what a submission stored."""
    snapshot = {}
    for model in apps.get_models():
        rows = model._base_manager.order_by("pk").values()
        snapshot[model._meta.label] = [repr(sorted(row.items())) for row in rows]
    return snapshot


# How answers travel


def test_answers_in_the_query_string_give_no_result(client):
    query = "?saddle_numbness=yes&" + "&".join(f"{slug}=no" for slug in RED_FLAGS[1:])

    response = client.get(URL + query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-disposition" not in html
    assert "There is a problem" not in html
    assert checked_value(html, "saddle_numbness") is None
    assert recorded_counts() == ({}, {})


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, method):
    response = getattr(client, method)(URL, data="saddle_numbness=yes")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    assert recorded_counts() == ({}, {})


def test_head_is_answered_for_monitoring_without_giving_a_result(client):
    response = client.head(URL, {"saddle_numbness": "yes"})

    assert response.status_code == 200
    assert recorded_counts() == ({}, {})


def test_a_post_without_a_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(URL, answers(fever="yes"))

    assert response.status_code == 403
    assert recorded_counts() == ({}, {})


def test_a_post_with_the_forms_csrf_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())

    response = browser.post(URL, answers(fever="yes") | {"csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 200
    assert disposition_of(response) == "urgent"


@pytest.mark.parametrize(
    "request_page",
    [
        pytest.param(lambda client: client.get(URL), id="form"),
        pytest.param(lambda client: client.post(URL, {"worried": "yes"}), id="form-with-errors"),
        pytest.param(lambda client: submit(client, fever="yes"), id="result"),
    ],
)
def test_the_checker_pages_are_never_cached_or_shared(client, request_page):
    response = request_page(client)

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


# Privacy and the anonymous counts


def test_nothing_about_the_reader_is_stored(client):
    before = every_row()
    form = client.get(URL)
    response = submit(client, saddle_numbness="yes", fever="yes", worried="yes", duration_weeks="7")
    after = every_row()

    assert disposition_of(response) == "emergency"
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"triage.DailyOutcomeCount", "triage.DailyYesCount"}
    assert list(DailyOutcomeCount.objects.values("disposition", "count")) == [
        {"disposition": "emergency", "count": 1}
    ]
    for row in DailyYesCount.objects.values():
        assert set(row) == {"id", "date", "question_slug", "count"}
    for model in apps.get_models():
        if model._meta.label in ("triage.DailyOutcomeCount", "triage.DailyYesCount"):
            continue
        assert after[model._meta.label] == before[model._meta.label], model._meta.label
    assert set(form.cookies) <= {"csrftoken"}
    assert set(response.cookies) <= {"csrftoken"}
    assert set(client.cookies) <= {"csrftoken"}


def test_a_form_with_errors_stores_nothing_at_all(client):
    before = every_row()

    response = client.post(URL, {"worried": "yes", "duration_weeks": "12"})

    assert response.status_code == 200
    assert every_row() == before
    assert set(response.cookies) <= {"csrftoken"}


def test_each_result_is_counted_anonymously_by_day_and_disposition(client):
    submit(client, fever="yes", worried="yes", duration_weeks="3")
    submit(client, fever="yes", night_pain="yes", recurrent="no")
    submit(client, worried="yes")
    submit(client)

    outcomes, yeses = recorded_counts()
    assert outcomes == {"urgent": 2, "gp": 1, "self_care": 1}
    assert yeses == {"fever": 2, "worried": 2, "night_pain": 1}
    today = timezone.localdate()
    assert set(DailyOutcomeCount.objects.values_list("date", flat=True)) == {today}
    assert set(DailyYesCount.objects.values_list("date", flat=True)) == {today}


def test_only_questions_answered_yes_are_counted(client):
    submit(client, recurrent="no", stops_daily_life="no", duration_weeks="1")

    assert recorded_counts() == ({"self_care": 1}, {})
