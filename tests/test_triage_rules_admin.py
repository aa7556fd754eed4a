"""The clinicians' side of the checker: the safety vignettes guard every rule change.

A change to a question that would make a passing safety test case fail is refused, in the
model and in the admin, and leaves the database as it was. Rewording is always fine. The
data migration gives every install a working, safe checker and the Clinician's rights.
"""

import importlib
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils.html import escape

from triage.engine import Disposition, triage
from triage.models import (
    Advice,
    DailyOutcomeCount,
    DailyYesCount,
    Question,
    UnsafeChange,
    Vignette,
    record_outcome,
)

from .admin_forms import change_form_data, submit_admin_page
from .factories import UserFactory
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db

SPEC_DISPOSITIONS = (
    {slug: "emergency" for slug in EMERGENCY_QUESTIONS}
    | {slug: "urgent" for slug in URGENT_QUESTIONS}
    | {slug: "gp" for slug in GP_QUESTIONS}
    | {"duration_weeks": "gp"}
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The clinician factory hashes a password; tests need not wait for a strong hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def question(slug):
    return Question.objects.get(slug=slug)


def vignettes_with(**answers):
    """Names of the vignettes that include these answers (default names may be reworded)."""
    names = [
        vignette.name
        for vignette in Vignette.objects.all()
        if answers.items() <= vignette.answers.items()
    ]
    assert names, answers
    return names


def vignette_of_only(slug, answer="yes"):
    [name] = [v.name for v in Vignette.objects.all() if v.answers == {slug: answer}]
    return name


def question_rows():
    return list(Question.objects.order_by("pk").values())


def change_url(obj):
    return reverse(f"admin:triage_{obj._meta.model_name}_change", args=[obj.pk])


def vignette_row(html, name):
    """The vignette list's table row for one vignette."""
    rows = [row for row in html.split("<tr") if f">{name}</a>" in row]
    assert len(rows) == 1, name
    return rows[0]


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
    url = change_url(question("saddle_numbness"))
    response = submit_admin_page(clinician_client, url, {"disposition": "gp"})

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


# Safety test cases (vignettes) in the admin


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


# The default checker from the data migration


def test_the_default_questions_follow_the_spec():
    questions = {q.slug: q for q in Question.objects.all()}

    assert Question.objects.count() == 16
    assert {slug: q.disposition for slug, q in questions.items()} == SPEC_DISPOSITIONS
    assert all(q.active for q in questions.values())
    duration = questions["duration_weeks"]
    assert (duration.kind, duration.threshold_weeks) == ("weeks", 6)
    assert {q.kind for slug, q in questions.items() if slug != "duration_weeks"} == {"yes_no"}
    assert all(q.text and q.said for q in questions.values())
    assert "{weeks}" in duration.said


def test_the_red_flags_are_asked_first():
    asked = [q.slug for q in Question.objects.asked()]

    assert set(asked[:4]) == set(EMERGENCY_QUESTIONS)
    assert set(asked[4:12]) == set(URGENT_QUESTIONS)
    assert set(asked[12:]) == {*GP_QUESTIONS, "duration_weeks"}


def test_there_is_advice_for_every_disposition():
    advice = {a.disposition: a for a in Advice.objects.all()}

    assert Advice.objects.count() == 4
    assert set(advice) == {d.value for d in Disposition}
    assert all(a.headline and a.action and a.safety_netting for a in advice.values())
    assert {d for d, a in advice.items() if a.show_treatments} == {"gp", "self_care"}
    assert "{emergency_number}" in advice["emergency"].headline
    assert "{urgent_number}" in advice["urgent"].headline


def test_every_question_appears_in_at_least_one_vignette():
    covered = {slug for vignette in Vignette.objects.all() for slug in vignette.answers}

    assert set(SPEC_DISPOSITIONS) <= covered
    assert covered <= set(SPEC_DISPOSITIONS)


def test_every_disposition_is_expected_by_some_vignette():
    expected = set(Vignette.objects.values_list("expected", flat=True))

    assert expected == {d.value for d in Disposition}


def test_every_default_vignette_passes_with_the_default_rules():
    rules = Question.objects.rules()

    failing = [v.name for v in Vignette.objects.all() if not v.passes(rules)]

    assert Vignette.objects.count() >= len(SPEC_DISPOSITIONS)
    assert failing == []


def test_the_data_migration_installs_the_same_checker_on_an_empty_database():
    def contents():
        return [
            sorted(model.objects.values_list(*fields))
            for model, fields in [
                (Question, ["slug", "text", "hint", "said", "group", "kind", "disposition"]),
                (Question, ["slug", "group_order", "threshold_weeks", "order", "active"]),
                (Advice, ["disposition", "headline", "action", "safety_netting"]),
                (Vignette, ["name", "expected", "note"]),
            ]
        ]

    installed = contents()
    installed_answers = {v.name: v.answers for v in Vignette.objects.all()}
    migration = importlib.import_module("triage.migrations.0002_default_checker")
    state = MigrationLoader(connection).project_state(
        ("triage", "0002_default_checker"), at_end=False
    )
    Vignette.objects.all().delete()
    Advice.objects.all().delete()
    Question.objects.all().delete()

    migration.install_default_checker(state.apps, None)

    assert (Question.objects.count(), Advice.objects.count()) == (16, 4)
    assert contents() == installed
    assert {v.name: v.answers for v in Vignette.objects.all()} == installed_answers


# Who may do what


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
