"""Triage questions' history: versions and restores, which still pass the safety test cases."""

import pytest
from reversion.models import Version

from triage.models import Question, RedFlag, Vignette

from .admin_forms import admin_url, change_form_data, question_data, submit_admin_page

pytestmark = pytest.mark.django_db


def versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk"))


def save_question(client, question, **changes):
    response = client.post(admin_url(question, "change"), question_data(question, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()


def test_a_triage_questions_history_page_loads(clinician_client, clinician):
    question = Question.objects.get(slug="fever")
    save_question(clinician_client, question, text="Do you have a fever?")

    response = clinician_client.get(admin_url(question, "history"))

    assert response.status_code == 200
    assert clinician.get_full_name() in response.content.decode()
    shipped, version = versions(question)
    assert shipped.revision.comment == "Shipped with SpasmCMS"
    assert version.revision.user == clinician


def test_a_clinician_restores_a_triage_questions_wording(clinician_client):
    question = Question.objects.get(slug="fever")
    original = question.text
    save_question(clinician_client, question)
    save_question(clinician_client, question, text="Fever?")
    _, first, _ = versions(question)
    url = admin_url(question, "revision", first.pk)

    response = submit_admin_page(clinician_client, url)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == original
    assert len(versions(question)) == 4


@pytest.fixture
def fever_made_an_emergency(clinician_client):
    """Fever saved as urgent (version 1), then, with its test cases updated, as an emergency.

    Restoring version 1 now would make the updated safety test cases fail. The question is
    one with no red flag (a red flag's question takes the red flag's level, set there).
    """
    RedFlag.objects.filter(slug="fever").update(question=None)
    question = Question.objects.get(slug="fever")
    save_question(clinician_client, question)
    fever_cases = [v.pk for v in Vignette.objects.all() if v.answers.get("fever") == "yes"]
    assert fever_cases
    Vignette.objects.filter(pk__in=fever_cases).update(expected="emergency")
    save_question(clinician_client, question, disposition="emergency")
    assert question.disposition == "emergency"
    return question


def test_saving_an_unsafe_question_through_the_admin_is_refused(
    clinician_client, fever_made_an_emergency
):
    """The guard a restore should go through: the same change typed in is refused."""
    question = fever_made_an_emergency
    url = admin_url(question, "change")

    response = clinician_client.post(url, question_data(question, disposition="urgent"))

    assert response.status_code == 200
    assert "safety test case(s) fail" in response.content.decode()
    question.refresh_from_db()
    assert question.disposition == "emergency"


def test_restoring_an_unsafe_question_version_is_refused(clinician_client, fever_made_an_emergency):
    question = fever_made_an_emergency
    _, urgent_version, _ = versions(question)
    url = admin_url(question, "revision", urgent_version.pk)

    page = clinician_client.get(url)
    data = change_form_data(page) if page.status_code == 200 else question_data(question)
    clinician_client.post(url, data)

    question.refresh_from_db()
    assert question.disposition == "emergency"
    broken = [v.name for v in Vignette.objects.all() if not v.passes(Question.objects.rules())]
    assert broken == []
