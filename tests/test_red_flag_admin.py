"""Clinicians curate the red flags in the admin, with history; nobody deletes one. The
advice for the emergency and urgent levels must send readers to the number to call."""

import pytest
from django.urls import reverse
from reversion.models import Version

from pagecache.models import PublicPagesVersion
from triage.models import Advice, RedFlag

from .admin_forms import admin_url, change_url, submit_admin_page
from .factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:triage_redflag_changelist")


@pytest.fixture
def saddle():
    return RedFlag.objects.get(slug="saddle_numbness")


def test_the_red_flag_list_shows_what_clinicians_need(clinician_client, saddle):
    TopicFactory()  # with one topic only, there is nothing to filter by
    response = clinician_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    for heading in ["What the reader notices", "Level", "Topic", "Checker question", "Active"]:
        assert heading in html
    assert saddle.noticed in html
    assert f">{len(saddle.phrase_list)}<" in html
    filters = {spec.title for spec in response.context["cl"].filter_specs}
    assert {"level", "active", "topic"} <= filters


@pytest.mark.parametrize(("query", "slug"), [("numb bum", "saddle_numbness"), ("fever", "fever")])
def test_the_red_flag_list_is_searchable(clinician_client, query, slug):
    response = clinician_client.get(CHANGELIST, {"q": query})

    found = {red_flag.slug for red_flag in response.context["cl"].result_list}
    assert slug in found
    assert len(found) < RedFlag.objects.count()


def test_the_change_form_has_phrases_one_a_line_and_a_fixed_slug(clinician_client, saddle):
    response = clinician_client.get(change_url(saddle))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<textarea name="phrases"' in html
    assert "One phrase a line" in html
    assert 'name="slug"' not in html
    assert "saddle_numbness" in html


def test_a_clinician_adds_a_red_flag(clinician_client):
    add = reverse("admin:triage_redflag_add")
    page = clinician_client.get(add)
    topic = RedFlag.objects.first().topic

    response = clinician_client.post(
        add,
        {
            "noticed": "a numb foot",
            "level": "gp",
            "topic": topic.pk,
            "slug": "numb_foot",
            "phrases": "numb foot\nfoot feels dead",
            "order": "500",
            "active": "on",
        },
    )

    assert 'name="slug"' in page.content.decode()
    assert response.status_code == 302
    red_flag = RedFlag.objects.get(slug="numb_foot")
    assert red_flag.phrase_list == ("numb foot", "foot feels dead")


def test_rewording_a_red_flag_is_made_at_once_and_retires_cached_pages(clinician_client, saddle):
    before = PublicPagesVersion.current()

    response = submit_admin_page(
        clinician_client, change_url(saddle), {"noticed": "a numb bottom or genitals"}
    )

    assert response.status_code == 302
    saddle.refresh_from_db()
    assert saddle.noticed == "a numb bottom or genitals"
    assert PublicPagesVersion.current() > before


def test_red_flags_cannot_be_deleted_even_by_a_superuser(client, clinician_client, saddle):
    delete = reverse("admin:triage_redflag_delete", args=[saddle.pk])
    changelist = clinician_client.get(CHANGELIST)
    action_form = changelist.context["action_form"]
    actions = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert clinician_client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in actions
    assert RedFlag.objects.filter(pk=saddle.pk).exists()


def test_every_shipped_red_flag_has_a_first_version(clinician_client, saddle):
    for red_flag in RedFlag.objects.all():
        assert Version.objects.get_for_object(red_flag).exists(), red_flag

    response = clinician_client.get(admin_url(saddle, "history"))

    assert response.status_code == 200
    assert len(response.context["action_list"]) >= 1


def test_a_red_flags_history_records_each_change(clinician_client, clinician, saddle):
    phrases = f"{saddle.phrases}\nnumb seat area"  # adding words is not weakening
    submit_admin_page(clinician_client, change_url(saddle), {"phrases": phrases})

    latest = Version.objects.get_for_object(saddle).latest("pk")

    assert latest.revision.user == clinician
    assert latest.field_dict["phrases"] == phrases


# Advice for the emergency and urgent levels gives the number to call


def test_the_advice_form_has_the_care_card_heading(clinician_client):
    advice = Advice.objects.get(disposition="emergency")

    response = clinician_client.get(change_url(advice))

    assert "care_card_heading" in response.context["adminform"].form.fields


def test_emergency_advice_that_says_rest_at_home_is_refused(clinician_client):
    advice = Advice.objects.get(disposition="emergency")
    headline = advice.headline

    response = submit_admin_page(
        clinician_client, change_url(advice), {"headline": "Rest at home for a few days"}
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["headline"]
    assert "{emergency_number}" in error
    assert "must tell readers to call the number" in response.content.decode()
    advice.refresh_from_db()
    assert advice.headline == headline


@pytest.mark.parametrize("field", ["action", "care_card_heading"])
def test_urgent_advice_without_the_number_is_refused_field_by_field(clinician_client, field):
    advice = Advice.objects.get(disposition="urgent")

    response = submit_admin_page(clinician_client, change_url(advice), {field: "See someone."})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert "{urgent_number}" in response.context["adminform"].form.errors[field][0]


def test_advice_that_writes_a_number_out_is_refused(clinician_client):
    advice = Advice.objects.get(disposition="gp")

    response = submit_admin_page(
        clinician_client, change_url(advice), {"safety_netting": "If it gets worse, call 999."}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Write {emergency_number} or {urgent_number} instead of 999" in str(errors)
