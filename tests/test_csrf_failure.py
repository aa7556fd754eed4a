"""A form the security checks refused: a clear page that loses nothing, and the checker keeps
the answers so that one more press on the site's own page sends them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from triage.models import DailyOutcomeCount

from .checker_forms import answers
from .factories import PASSWORD
from .triage_spec import RED_FLAGS

pytestmark = pytest.mark.django_db

NOT_CHECKED = "For your security, we could not check that the form was sent from this website."
FROM_ELSEWHERE = (
    "For your security, we only take forms sent from this website, and this one came from "
    "somewhere else. Nothing was saved."
)
EXPIRED = "For your security, the form you sent had expired or could not be checked."


@pytest.fixture
def another_site():
    """A browser sending a form from a page on another site."""
    return Client(headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"})


def test_the_checker_sent_from_another_site_is_refused_but_shows_the_answers_again(
    another_site,
):
    response = another_site.post(
        reverse("triage:checker"), {"worried": "yes", "duration_weeks": "3"}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send your answers again" in html
    assert NOT_CHECKED in html
    assert re.search(r'<input[^>]*name="worried" value="yes"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="worried" value="no"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="duration_weeks"[^>]*value="3"', html)
    assert 'action="/triage/"' in html
    assert "csrfmiddlewaretoken" not in html  # nothing to renew: the form is sent as it is
    assert "data-disposition" not in html
    assert not DailyOutcomeCount.objects.exists()
    assert "no-store" in response.headers["Cache-Control"]


def test_the_answers_shown_again_are_taken_when_sent_from_the_checker_itself(another_site):
    refused = another_site.post(reverse("triage:checker"), answers(worried="yes"))
    shown_again = {
        name: value
        for name, value in re.findall(
            r'<input[^>]*name="([a-z_]+)" value="([^"]*)"[^>]*checked', refused.content.decode()
        )
    }

    browser = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})
    response = browser.post(reverse("triage:checker"), shown_again)

    assert refused.status_code == 403
    assert shown_again == answers(worried="yes")
    assert set(RED_FLAGS) < set(shown_again)
    assert response.status_code == 200
    assert 'data-disposition="gp"' in response.content.decode()
    assert list(DailyOutcomeCount.objects.values_list("disposition", "count")) == [("gp", 1)]


def test_an_admin_form_without_its_token_gets_a_plain_explanation(clinician):
    browser = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})

    response = browser.post(
        reverse("admin:login"), {"username": clinician.username, "password": PASSWORD}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please try again" in html
    assert EXPIRED in html
    assert FROM_ELSEWHERE not in html
    assert "call 999 in an emergency, or 111 for urgent advice" in html


def test_an_admin_form_sent_from_another_site_says_where_it_came_from(another_site, clinician):
    response = another_site.post(
        reverse("admin:login"), {"username": clinician.username, "password": PASSWORD}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert FROM_ELSEWHERE in html
    assert EXPIRED not in html
    assert "sessionid" not in response.cookies
