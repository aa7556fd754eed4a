"""A rule change that would fail a passing safety test case is refused, in model and admin."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from triage.engine import triage
from triage.models import Question, RedFlag, UnsafeChange, Vignette

from .admin_forms import change_form_data, change_url, submit_admin_page
from .factories import UserFactory
from .triage_rules import SPEC_DISPOSITIONS, question, vignettes_with

pytestmark = pytest.mark.django_db


def vignette_of_only(slug, answer="yes"):
    [name] = [v.name for v in Vignette.objects.all() if v.answers == {slug: answer}]
    return name


def question_rows():
    return list(Question.objects.order_by("pk").values())


# The vignette guard, in the model


def test_making_saddle_numbness_routine_is_refused_and_names_the_broken_cases():
    before = question_rows()
    broken = vignettes_with(saddle_numbness="yes")
    saddle = question("saddle_numbness")
    saddle.disposition = "gp"

    with pytest.raises(UnsafeChange) as refused:
        saddle.save()

    message = " ".join(refused.value.messages)
    for name in broken:
        assert f"“{name}”" in message
    assert f"{len(broken)} safety test case(s)" in message
    assert "expects emergency: call now, would get see a gp or physiotherapist" in message
    assert question_rows() == before


def test_no_longer_asking_about_saddle_numbness_is_refused():
    before = question_rows()
    broken = vignettes_with(saddle_numbness="yes")
    saddle = question("saddle_numbness")
    saddle.active = False

    with pytest.raises(UnsafeChange) as refused:
        saddle.save()

    for name in broken:
        assert name in str(refused.value)
    assert question_rows() == before


@pytest.mark.parametrize(("threshold", "boundary_case"), [(7, 6), (5, 5)])
def test_moving_the_six_week_threshold_is_refused(threshold, boundary_case):
    broken = vignette_of_only("duration_weeks", boundary_case)
    duration = question("duration_weeks")
    duration.threshold_weeks = threshold

    with pytest.raises(UnsafeChange, match=re.escape(broken)):
        duration.save()

    assert question("duration_weeks").threshold_weeks == 6


@pytest.mark.parametrize(
    ("slug", "disposition"),
    [("fever", "gp"), ("chest_pain", "urgent"), ("worried", "urgent"), ("upper_back", "emergency")],
)
def test_changing_what_any_default_question_leads_to_is_refused(slug, disposition):
    broken = vignette_of_only(slug)
    changed = question(slug)
    changed.disposition = disposition

    with pytest.raises(ValidationError, match=re.escape(broken)):
        changed.full_clean()  # what the admin form calls
    with pytest.raises(UnsafeChange, match=re.escape(broken)):
        changed.save()

    assert question(slug).disposition == SPEC_DISPOSITIONS[slug]


def test_a_red_flag_questions_level_is_changed_only_on_its_red_flag(clinician_client):
    Vignette.objects.filter(
        pk__in=[v.pk for v in Vignette.objects.all() if "fever" in v.answers]
    ).delete()
    fever = question("fever")
    fever.disposition = "emergency"  # with no safety test case of fever left to break

    with pytest.raises(ValidationError, match="Change the level on the red flag"):
        fever.full_clean()

    page = clinician_client.get(change_url(fever)).content.decode()
    assert 'name="disposition"' not in page  # shown, not editable
    assert "Change the level there" in page


def test_turning_a_yes_no_question_into_a_weeks_question_is_refused():
    broken = vignette_of_only("saddle_numbness")
    saddle = question("saddle_numbness")
    saddle.kind = "weeks"
    saddle.threshold_weeks = 1

    with pytest.raises(UnsafeChange, match=re.escape(broken)):
        saddle.save()


def test_rewording_a_question_is_accepted():
    saddle = question("saddle_numbness")
    saddle.text = "Is the skin around your bottom or between your legs numb?"
    saddle.hint = "Where you would sit on a bike saddle."
    saddle.said = "the skin around your bottom or between your legs is numb"
    saddle.order = 5

    saddle.full_clean()
    saddle.save()

    saddle.refresh_from_db()
    assert saddle.text == "Is the skin around your bottom or between your legs numb?"
    assert saddle.disposition == "emergency"


def test_a_new_question_that_breaks_no_case_is_accepted():
    new = Question(
        slug="numb_foot",
        text="Is one of your feet numb?",
        said="one of your feet is numb",
        group=Question.Group.URGENT_SIGNS,
        disposition="urgent",
    )

    new.full_clean()
    new.save()

    assert "numb_foot" in [rule.slug for rule in Question.objects.rules()]
    assert triage({"numb_foot": "yes"}, Question.objects.rules()).disposition == "urgent"


def test_a_case_that_already_fails_does_not_block_other_changes():
    Vignette.objects.create(name="Wrong on purpose", answers={"worried": "yes"}, expected="urgent")
    worried = question("worried")
    worried.text = "Are you worried, or finding it hard to cope?"

    worried.save()

    assert question("worried").text == "Are you worried, or finding it hard to cope?"


def test_a_case_a_clinician_adds_protects_the_rule_from_then_on():
    Question.objects.create(
        slug="numb_foot",
        text="Is one of your feet numb?",
        said="one of your feet is numb",
        group=Question.Group.URGENT_SIGNS,
        disposition="urgent",
    )
    Vignette.objects.create(name="Numb foot", answers={"numb_foot": "yes"}, expected="urgent")
    numb_foot = question("numb_foot")
    numb_foot.active = False

    with pytest.raises(UnsafeChange, match="Numb foot"):
        numb_foot.save()


def test_the_slug_cannot_be_changed():
    saddle = question("saddle_numbness")
    saddle.slug = "saddle"

    with pytest.raises(ValidationError) as refused:
        saddle.full_clean()

    assert "slug" in refused.value.message_dict
    assert question("saddle_numbness").pk == saddle.pk


# The vignette guard, through the admin


def test_an_unsafe_change_in_the_admin_is_refused_with_the_broken_cases_named(clinician_client):
    before = question_rows()
    broken = vignettes_with(saddle_numbness="yes")
    # The question's level is its red flag's: the change is made there.
    url = change_url(RedFlag.objects.get(slug="saddle_numbness"))
    response = submit_admin_page(
        clinician_client, url, {"level": "gp", "safety_reason": "Trying it."}
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    html = response.content.decode()
    for name in broken:
        assert name in errors
        assert escape(name) in html
    assert "Not saved" in html
    assert question_rows() == before


def test_unticking_active_in_the_admin_is_refused(clinician_client):
    before = question_rows()
    url = change_url(question("saddle_numbness"))
    data = change_form_data(clinician_client.get(url))
    del data["active"]

    response = clinician_client.post(url, data)

    assert response.status_code == 200
    assert escape(vignette_of_only("saddle_numbness")) in response.content.decode()
    assert question_rows() == before


def test_rewording_in_the_admin_is_saved_and_readers_see_it(clinician_client, client):
    url = change_url(question("fever"))
    reworded = {"text": "Do you feel feverish or shivery?"}

    response = submit_admin_page(clinician_client, url, reworded)

    assert response.status_code == 302
    assert question("fever").text == "Do you feel feverish or shivery?"
    assert "Do you feel feverish or shivery?" in client.get("/triage/").content.decode()


def test_the_admin_shows_the_slug_but_never_changes_it(clinician_client):
    saddle = question("saddle_numbness")
    url = change_url(saddle)
    page = clinician_client.get(url)
    data = change_form_data(page) | {"slug": "saddle", "text": "Reworded"}

    response = clinician_client.post(url, data)

    assert 'name="slug"' not in page.content.decode()
    assert "saddle_numbness" in page.content.decode()
    assert response.status_code == 302
    saddle.refresh_from_db()
    assert saddle.slug == "saddle_numbness"
    assert saddle.text == "Reworded"


def test_questions_cannot_be_deleted_in_the_admin(clinician_client):
    saddle = question("saddle_numbness")
    delete_url = reverse("admin:triage_question_delete", args=[saddle.pk])

    assert clinician_client.get(delete_url).status_code == 403
    assert clinician_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = clinician_client.get(reverse("admin:triage_question_changelist"))
    action_form = changelist.context["action_form"]
    actions = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions
    assert Question.objects.filter(pk=saddle.pk).exists()


def test_questions_cannot_be_deleted_even_by_a_superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    saddle = question("saddle_numbness")

    response = client.post(reverse("admin:triage_question_delete", args=[saddle.pk]))

    assert response.status_code == 403
    assert Question.objects.filter(pk=saddle.pk).exists()
