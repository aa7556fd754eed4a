"""A form whose security token failed: a clear page, and the checker keeps the answers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from triage.models import DailyOutcomeCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_checker_without_a_token_is_refused_but_shows_the_answers_again(strict_client):
    response = strict_client.post(
        reverse("triage:checker"), {"worried": "yes", "duration_weeks": "3"}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send your answers again" in html
    assert re.search(r'<input[^>]*name="worried" value="yes"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="worried" value="no"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="duration_weeks"[^>]*value="3"', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert "data-disposition" not in html
    assert not DailyOutcomeCount.objects.exists()
    assert "no-store" in response.headers["Cache-Control"]


def test_other_forms_get_a_plain_explanation(strict_client, clinician):
    response = strict_client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
