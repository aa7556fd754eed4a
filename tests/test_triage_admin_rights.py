"""Clinicians curate triage questions and advice in the admin; the counts they only read."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from triage.engine import triage
from triage.models import (
    Advice,
    DailyOutcomeCount,
    DailyYesCount,
    Question,
    Vignette,
    record_outcome,
)

from .admin_forms import change_url, submit_admin_page
from .triage_rules import question
from .triage_spec import EMERGENCY_QUESTIONS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db


def test_clinicians_can_curate_the_checker_and_read_the_counts(clinician):
    codenames = set(
        Group.objects.get(name="Clinician")
        .permissions.filter(content_type__app_label="triage")
        .values_list("codename", flat=True)
    )

    assert {"change_question", "add_question", "view_question"} <= codenames
    assert {"change_advice", "view_advice"} <= codenames
    assert {"change_vignette", "add_vignette", "delete_vignette", "view_vignette"} <= codenames
    assert {"view_dailyoutcomecount", "view_dailyyescount"} <= codenames
    assert "delete_question" not in codenames
    for model in ["dailyoutcomecount", "dailyyescount"]:
        for action in ["add", "change", "delete"]:
            assert f"{action}_{model}" not in codenames
            assert not clinician.has_perm(f"triage.{action}_{model}")
    assert clinician.has_perm("triage.change_question")
    assert not clinician.has_perm("triage.delete_question")


@pytest.fixture
def counted():
    record_outcome(triage({"fever": "yes"}, Question.objects.rules()))
    return DailyOutcomeCount.objects.get(), DailyYesCount.objects.get()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:triage_question_changelist",
        "admin:triage_question_add",
        "admin:triage_advice_changelist",
        "admin:triage_vignette_changelist",
        "admin:triage_vignette_add",
        "admin:triage_dailyoutcomecount_changelist",
        "admin:triage_dailyyescount_changelist",
    ],
)
def test_triage_admin_pages_load_for_a_clinician(clinician_client, counted, url_name):
    assert clinician_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "get_object",
    [
        pytest.param(lambda counted: question("saddle_numbness"), id="question"),
        pytest.param(lambda counted: question("duration_weeks"), id="weeks-question"),
        pytest.param(lambda counted: Advice.objects.get(disposition="urgent"), id="advice"),
        pytest.param(lambda counted: Vignette.objects.first(), id="vignette"),
        pytest.param(lambda counted: counted[0], id="outcome-count"),
        pytest.param(lambda counted: counted[1], id="yes-count"),
    ],
)
def test_triage_change_pages_load_for_a_clinician(clinician_client, counted, get_object):
    response = clinician_client.get(change_url(get_object(counted)))

    assert response.status_code == 200


def test_clinicians_cannot_edit_the_counts(clinician_client, counted):
    for count in counted:
        response = clinician_client.post(change_url(count), {"count": "500"})
        assert response.status_code == 403
    assert DailyOutcomeCount.objects.get().count == 1
    assert DailyYesCount.objects.get().count == 1
    add = reverse("admin:triage_dailyoutcomecount_add")
    assert clinician_client.get(add).status_code == 403


def test_a_clinician_edits_the_advice_and_readers_see_it(clinician_client, client):
    advice = Advice.objects.get(disposition="urgent")
    url = change_url(advice)
    response = submit_admin_page(clinician_client, url, {"headline": "Phone {urgent_number} today"})

    assert response.status_code == 302
    answers = {slug: "no" for slug in EMERGENCY_QUESTIONS + URGENT_QUESTIONS} | {"fever": "yes"}
    assert "Phone 111 today" in client.post("/triage/", answers).content.decode()


def test_advice_cannot_be_added_or_deleted_in_the_admin(clinician_client):
    advice = Advice.objects.get(disposition="emergency")

    assert clinician_client.get(reverse("admin:triage_advice_add")).status_code == 403
    delete = reverse("admin:triage_advice_delete", args=[advice.pk])
    assert clinician_client.post(delete, {"post": "yes"}).status_code == 403
    assert Advice.objects.count() == 4
