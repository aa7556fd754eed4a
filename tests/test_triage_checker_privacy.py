"""The checker stores nothing about a reader: POST only, from this site only, answers never
cached, counted anonymously."""

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


@pytest.mark.parametrize(
    "sent_from",
    [
        pytest.param({"sec-fetch-site": "cross-site"}, id="another-site"),
        pytest.param({"origin": "https://evil.example"}, id="another-site-old-browser"),
    ],
)
def test_a_post_sent_from_another_site_is_refused_and_counts_nothing(sent_from):
    browser = Client(headers=sent_from)

    response = browser.post(URL, answers(worried="yes", recurrent="yes"))

    assert response.status_code == 403
    assert "Please send your answers again" in response.content.decode()
    assert "data-disposition" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert recorded_counts() == ({}, {})


def test_a_post_from_the_checker_page_is_taken_without_a_token():
    browser = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})
    form = browser.get(URL)

    response = browser.post(URL, answers(fever="yes"))

    assert "csrfmiddlewaretoken" not in form.content.decode()
    assert response.status_code == 200
    assert disposition_of(response) == "urgent"
    assert recorded_counts() == ({"urgent": 1}, {"fever": 1})


def test_the_empty_form_is_one_public_page_holding_nothing_of_any_reader(client):
    first = client.get(URL)
    second = Client().get(URL)

    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public")
    assert first.content == second.content
    assert not first.cookies and not second.cookies


@pytest.mark.parametrize(
    "request_page",
    [
        pytest.param(lambda client: client.post(URL, {"worried": "yes"}), id="form-with-errors"),
        pytest.param(lambda client: submit(client, fever="yes"), id="result"),
        pytest.param(
            lambda client: client.post(
                URL, answers(worried="yes"), headers={"sec-fetch-site": "cross-site"}
            ),
            id="answers-shown-again",
        ),
        pytest.param(
            lambda client: client.post(
                URL, answers(chest_pain="yes"), headers={"sec-fetch-site": "cross-site"}
            ),
            id="red-flag-advice-uncounted",
        ),
    ],
)
def test_pages_with_the_readers_answers_are_never_cached_or_shared(client, request_page):
    response = request_page(client)

    assert response.status_code in (200, 403)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives
    assert not response.cookies


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
    assert not form.cookies
    assert not response.cookies
    assert not client.cookies


def test_a_form_with_errors_stores_nothing_at_all(client):
    before = every_row()

    response = client.post(URL, {"worried": "yes", "duration_weeks": "12"})

    assert response.status_code == 200
    assert every_row() == before
    assert not response.cookies


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
