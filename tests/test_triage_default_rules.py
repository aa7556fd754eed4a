"""The data migration installs the spec's questions, advice and safety test cases, all passing."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from triage.engine import Disposition
from triage.models import Advice, Question, RedFlag, Vignette

from .triage_rules import SPEC_DISPOSITIONS
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db


def test_the_default_questions_follow_the_spec():
    questions = {q.slug: q for q in Question.objects.all()}

    assert Question.objects.count() == 23
    assert {slug: q.disposition for slug, q in questions.items()} == SPEC_DISPOSITIONS
    assert all(q.active for q in questions.values())
    duration = questions["duration_weeks"]
    assert (duration.kind, duration.threshold_weeks) == ("weeks", 6)
    assert {q.kind for slug, q in questions.items() if slug != "duration_weeks"} == {"yes_no"}
    assert all(q.text and q.said for q in questions.values())
    assert "{weeks}" in duration.said


def test_the_red_flags_are_asked_first():
    asked = [q.slug for q in Question.objects.asked()]

    emergency, urgent = len(EMERGENCY_QUESTIONS), len(URGENT_QUESTIONS)
    assert set(asked[:emergency]) == set(EMERGENCY_QUESTIONS)
    assert set(asked[emergency : emergency + urgent]) == set(URGENT_QUESTIONS)
    assert set(asked[emergency + urgent :]) == {*GP_QUESTIONS, "duration_weeks"}


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
                (Advice, ["disposition", "care_card_heading"]),
                (RedFlag, ["slug", "level", "noticed", "phrases", "question__slug", "order"]),
                (Vignette, ["name", "expected", "note"]),
            ]
        ]

    installed = contents()
    installed_answers = {v.name: v.answers for v in Vignette.objects.all()}
    checker = importlib.import_module("triage.migrations.0002_default_checker")
    red_flags = importlib.import_module("triage.migrations.0003_red_flags")
    state = MigrationLoader(connection).project_state(("triage", "0003_red_flags"))
    RedFlag.objects.all().delete()
    Vignette.objects.all().delete()
    Advice.objects.all().delete()
    Question.objects.all().delete()

    checker.install_default_checker(state.apps, None)
    red_flags.install_red_flags(state.apps, None)

    assert (Question.objects.count(), Advice.objects.count()) == (23, 4)
    assert contents() == installed
    assert {v.name: v.answers for v in Vignette.objects.all()} == installed_answers
