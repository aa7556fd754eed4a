"""The triage engine on its own: answers in, disposition and reasons out, no HTTP, no database.

The rules here are built straight from the issue's table, so the engine is tested against
the spec rather than against whatever the clinicians' questions say today. One test at the
end runs the same table through the default questions the data migration installs.
"""

import random

import pytest

from triage.engine import URGENCY_ORDER, AnswerKind, Disposition, Outcome, Rule, triage
from triage.models import Question

from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, RED_FLAGS, URGENT_QUESTIONS

EMERGENCY, URGENT, GP, SELF_CARE = (
    Disposition.EMERGENCY,
    Disposition.URGENT,
    Disposition.GP,
    Disposition.SELF_CARE,
)

YES_NO_TABLE = (
    [(slug, EMERGENCY) for slug in EMERGENCY_QUESTIONS]
    + [(slug, URGENT) for slug in URGENT_QUESTIONS]
    + [(slug, GP) for slug in GP_QUESTIONS]
)

# Every row of the spec's table: the answers, and the disposition they must lead to.
TABLE = (
    [pytest.param({slug: "yes"}, expected, id=f"{slug}-yes") for slug, expected in YES_NO_TABLE]
    + [
        pytest.param({"duration_weeks": weeks}, expected, id=f"{weeks}-weeks")
        for weeks, expected in [(0, SELF_CARE), (5, SELF_CARE), (6, GP), (7, GP), (520, GP)]
    ]
    + [
        pytest.param({}, SELF_CARE, id="nothing-answered"),
        pytest.param(
            {slug: "no" for slug, _ in YES_NO_TABLE} | {"duration_weeks": 2},
            SELF_CARE,
            id="no-to-everything",
        ),
    ]
)


def spec_rules():
    """The issue's table as engine rules."""
    rules = [
        Rule(slug, disposition, said=f"you said yes to {slug}")
        for slug, disposition in YES_NO_TABLE
    ]
    rules.append(
        Rule(
            "duration_weeks",
            GP,
            kind=AnswerKind.WEEKS,
            threshold_weeks=6,
            said="the pain has lasted {weeks} weeks",
        )
    )
    return rules


def slugs(rules):
    return [rule.slug for rule in rules]


def test_dispositions_run_from_most_to_least_urgent():
    assert URGENCY_ORDER == [EMERGENCY, URGENT, GP, SELF_CARE]
    assert EMERGENCY.urgency > URGENT.urgency > GP.urgency > SELF_CARE.urgency
    assert [d.value for d in URGENCY_ORDER] == ["emergency", "urgent", "gp", "self_care"]


@pytest.mark.parametrize(("answers", "expected"), TABLE)
def test_every_row_of_the_table_gives_its_disposition(answers, expected):
    assert triage(answers, spec_rules()).disposition == expected


def test_nothing_firing_is_self_care_with_no_reasons():
    outcome = triage({"fever": "no", "duration_weeks": 1}, spec_rules())

    assert outcome == Outcome(SELF_CARE)
    assert outcome.reasons == ()
    assert outcome.deciding_reasons == ()
    assert outcome.other_reasons == ()


def test_several_emergency_signs_together_are_an_emergency_and_all_listed():
    answers = {slug: "yes" for slug in EMERGENCY_QUESTIONS}

    outcome = triage(answers, spec_rules())

    assert outcome.disposition == EMERGENCY
    assert set(slugs(outcome.deciding_reasons)) == set(EMERGENCY_QUESTIONS)
    assert outcome.other_reasons == ()


def test_several_urgent_signs_together_are_urgent():
    outcome = triage({"fever": "yes", "weight_loss": "yes", "night_pain": "yes"}, spec_rules())

    assert outcome.disposition == URGENT
    assert set(slugs(outcome.deciding_reasons)) == {"fever", "weight_loss", "night_pain"}


def test_urgent_and_emergency_signs_together_are_an_emergency():
    answers = {"leg_weakness": "yes", "bladder_bowel_change": "yes", "cancer_history": "yes"}

    outcome = triage(answers, spec_rules())

    assert outcome.disposition == EMERGENCY
    assert slugs(outcome.deciding_reasons) == ["bladder_bowel_change"]
    assert set(slugs(outcome.other_reasons)) == {"leg_weakness", "cancer_history"}


@pytest.mark.parametrize(
    ("red_flag", "expected"),
    [(slug, EMERGENCY) for slug in EMERGENCY_QUESTIONS]
    + [(slug, URGENT) for slug in URGENT_QUESTIONS],
)
@pytest.mark.parametrize(
    "milder_answers",
    [
        pytest.param({"duration_weeks": 0}, id="pain-started-this-week"),
        pytest.param({"duration_weeks": 2}, id="short-pain"),
        pytest.param({slug: "yes" for slug in GP_QUESTIONS} | {"duration_weeks": 52}, id="all-gp"),
        pytest.param({slug: "no" for slug in GP_QUESTIONS}, id="no-to-the-gp-questions"),
    ],
)
def test_a_red_flag_is_never_downgraded_by_milder_answers(red_flag, expected, milder_answers):
    outcome = triage({red_flag: "yes", **milder_answers}, spec_rules())

    assert outcome.disposition == expected
    assert red_flag in slugs(outcome.deciding_reasons)


def test_a_gp_answer_is_not_downgraded_by_short_pain():
    outcome = triage({"recurrent": "yes", "duration_weeks": 1}, spec_rules())

    assert outcome.disposition == GP
    assert slugs(outcome.reasons) == ["recurrent"]


def test_reasons_come_most_urgent_first_whatever_the_order_of_the_rules():
    answers = {
        "worried": "yes",
        "duration_weeks": 12,
        "fever": "yes",
        "chest_pain": "yes",
        "upper_back": "yes",
    }
    rules = spec_rules()

    for seed in range(5):
        random.Random(seed).shuffle(rules)
        outcome = triage(answers, rules)

        assert outcome.disposition == EMERGENCY
        urgencies = [Disposition(rule.disposition).urgency for rule in outcome.reasons]
        assert urgencies == sorted(urgencies, reverse=True)
        assert slugs(outcome.deciding_reasons) == ["chest_pain"]
        assert set(slugs(outcome.other_reasons[:2])) == {"fever", "upper_back"}
        assert set(slugs(outcome.other_reasons[2:])) == {"worried", "duration_weeks"}


def test_deciding_reasons_are_the_answers_that_set_the_disposition():
    answers = {"fever": "yes", "cancer_history": "yes", "recurrent": "yes", "duration_weeks": 8}

    outcome = triage(answers, spec_rules())

    assert outcome.disposition == URGENT
    assert set(slugs(outcome.deciding_reasons)) == {"fever", "cancer_history"}
    assert set(slugs(outcome.other_reasons)) == {"recurrent", "duration_weeks"}
    assert outcome.reasons == outcome.deciding_reasons + outcome.other_reasons


def test_every_answer_that_fired_is_a_reason_and_no_other():
    answers = {"both_legs": "yes", "fever": "no", "worried": "yes", "duration_weeks": 3}

    outcome = triage(answers, spec_rules())

    assert slugs(outcome.reasons) == ["both_legs", "worried"]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [(0, SELF_CARE), (1, SELF_CARE), (5, SELF_CARE), (6, GP), (7, GP), (520, GP)],
)
def test_six_weeks_of_pain_is_the_boundary_for_a_gp(weeks, expected):
    outcome = triage({"duration_weeks": weeks}, spec_rules())

    assert outcome.disposition == expected
    assert slugs(outcome.reasons) == (["duration_weeks"] if expected == GP else [])


@pytest.mark.parametrize("missing", [None, ""])
@pytest.mark.parametrize("slug", [*RED_FLAGS, *GP_QUESTIONS, "duration_weeks"])
def test_a_missing_answer_never_fires(slug, missing):
    assert triage({slug: missing}, spec_rules()) == Outcome(SELF_CARE)


@pytest.mark.parametrize("answer", ["no", "No", "YES", "y", "true", "maybe"])
def test_only_an_exact_yes_fires_a_yes_no_question(answer):
    assert triage({"saddle_numbness": answer}, spec_rules()).disposition == SELF_CARE


def test_answers_to_unknown_questions_are_ignored():
    answers = {"not_a_question": "yes", "duration_months": 40, "worried": "yes"}

    outcome = triage(answers, spec_rules())

    assert outcome.disposition == GP
    assert slugs(outcome.reasons) == ["worried"]


def test_a_rule_without_an_answer_is_ignored():
    assert triage({}, [Rule("chest_pain", EMERGENCY)]).disposition == SELF_CARE


def test_with_no_rules_everything_is_self_care():
    assert triage({"saddle_numbness": "yes"}, []).disposition == SELF_CARE


def test_a_weeks_rule_without_a_threshold_never_fires():
    rule = Rule("duration_weeks", GP, kind=AnswerKind.WEEKS)

    assert triage({"duration_weeks": 500}, [rule]).disposition == SELF_CARE


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "expected"), TABLE)
def test_the_default_questions_give_the_spec_disposition_for_every_row(answers, expected):
    assert triage(answers, Question.objects.rules()).disposition == expected


@pytest.mark.django_db
def test_the_default_questions_never_downgrade_a_red_flag():
    milder = {slug: "yes" for slug in GP_QUESTIONS} | {"duration_weeks": 52}
    rules = Question.objects.rules()

    for slug in EMERGENCY_QUESTIONS:
        assert triage({slug: "yes", **milder}, rules).disposition == EMERGENCY, slug
    for slug in URGENT_QUESTIONS:
        assert triage({slug: "yes", **milder}, rules).disposition == URGENT, slug
