"""Clinicians add and edit the safety test cases (vignettes) in the admin, and see which pass."""

import re

import pytest
from django.urls import reverse

from triage.models import Question, Vignette

from .admin_forms import change_form_data, change_url
from .triage_rules import SPEC_DISPOSITIONS, vignettes_with

pytestmark = pytest.mark.django_db


def vignette_row(html, name):
    """The vignette list's table row for one vignette."""
    rows = [row for row in html.split("<tr") if f">{name}</a>" in row]
    assert len(rows) == 1, name
    return rows[0]


def test_the_vignette_add_page_has_an_answer_field_for_every_question(clinician_client):
    response = clinician_client.get(reverse("admin:triage_vignette_add"))

    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert {f"answer_{slug}" for slug in SPEC_DISPOSITIONS} <= fields
    html = response.content.decode()
    assert 'name="answer_saddle_numbness" value="yes"' in html
    assert re.search(r'<input[^>]*name="answer_duration_weeks"', html)


def test_a_clinician_adds_a_vignette_in_the_admin(clinician_client):
    response = clinician_client.post(
        reverse("admin:triage_vignette_add"),
        {
            "name": "Fever with a long history",
            "expected": "urgent",
            "note": "A fever outranks a long history.",
            "answer_fever": "yes",
            "answer_worried": "no",
            "answer_recurrent": "",
            "answer_duration_weeks": "8",
        },
        follow=True,
    )

    assert response.status_code == 200
    vignette = Vignette.objects.get(name="Fever with a long history")
    assert vignette.answers == {"fever": "yes", "worried": "no", "duration_weeks": 8}
    assert vignette.expected == "urgent"
    assert vignette.passes(Question.objects.rules())
    assert "fails" not in response.content.decode()
    listing = clinician_client.get(reverse("admin:triage_vignette_changelist"))
    assert "✔ Passes" in vignette_row(listing.content.decode(), "Fever with a long history")


def test_adding_a_vignette_that_fails_warns_and_the_list_shows_it_failing(clinician_client):
    response = clinician_client.post(
        reverse("admin:triage_vignette_add"),
        {"name": "Worry alone is an emergency", "expected": "emergency", "answer_worried": "yes"},
        follow=True,
    )

    html = response.content.decode()
    assert "Saved, but this test case fails with the current questions" in html
    assert Vignette.objects.filter(name="Worry alone is an emergency").exists()
    listing = clinician_client.get(reverse("admin:triage_vignette_changelist")).content.decode()
    row = vignette_row(listing, "Worry alone is an emergency")
    assert "✘ FAILS: gives see a gp or physiotherapist" in row
    assert "Passes" not in row


def test_a_vignette_with_a_bad_number_of_weeks_is_not_saved(clinician_client):
    response = clinician_client.post(
        reverse("admin:triage_vignette_add"),
        {"name": "Nonsense", "expected": "gp", "answer_duration_weeks": "lots"},
    )

    assert response.status_code == 200
    assert "answer_duration_weeks" in response.context["adminform"].form.errors
    assert not Vignette.objects.filter(name="Nonsense").exists()


def test_the_vignette_list_shows_every_default_vignette_passing(clinician_client):
    response = clinician_client.get(reverse("admin:triage_vignette_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "with the current questions" in html.lower()
    assert html.count("✔ Passes") == Vignette.objects.count()
    assert "FAILS" not in html


def test_a_vignette_change_page_shows_its_answers_and_saves_them_unchanged(clinician_client):
    [name] = vignettes_with(fever="yes", stops_daily_life="yes")
    vignette = Vignette.objects.get(name=name)
    answers = dict(vignette.answers)
    url = change_url(vignette)

    page = clinician_client.get(url)
    form = page.context["adminform"].form
    response = clinician_client.post(url, change_form_data(page))

    assert form["answer_fever"].value() == "yes"
    assert form["answer_duration_weeks"].value() == answers["duration_weeks"]
    assert form["answer_saddle_numbness"].value() in (None, "")
    assert re.search(
        r'<input[^>]*name="answer_fever" value="yes"[^>]*checked', page.content.decode()
    )
    assert response.status_code == 302
    vignette.refresh_from_db()
    assert vignette.answers == answers
