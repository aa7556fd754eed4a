"""The safety rules of triage as properties, for every answer set rather than the ones we
thought of: on the pure engine (the shipped checker's rules and generated rule sets), and
through the real form and view.

- Adding a yes (or more weeks of pain) never lowers the urgency.
- Any answer set with a yes to an emergency sign is an emergency, whatever else is
  answered, blank or garbage.
- The reasons always include every emergency rule that fired.
- Through the form: any yes to an emergency sign, among blanks, garbage, duplicates and
  unknown fields, gives the emergency advice and a call link to the number in settings.
"""

import re

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.engine import AnswerKind, Disposition, Rule, triage
from triage.models import Question

from .checker_forms import URL
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, URGENT_QUESTIONS

EMERGENCY = Disposition.EMERGENCY


@pytest.fixture
def shipped_rules(db):
    """The rules of the checker the data migration installs, read once for the test.

    A test's examples share them: nothing changes the rules while the engine runs.
    """
    rules = Question.objects.rules()
    emergency = {rule.slug for rule in rules if rule.disposition == EMERGENCY}
    assert emergency == set(EMERGENCY_QUESTIONS)
    return rules


# Answers as the engine may be given them: the form's values, blanks, and garbage.
garbage = st.one_of(
    st.none(),
    st.sampled_from(["", "no", "Yes", "YES", " yes", "yes ", "y", "true", "1", "0", "-1"]),
    st.text(max_size=12),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e300, 6.5]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.just("yes"), max_size=2),
)
an_answer = st.one_of(st.just("yes"), st.integers(min_value=0, max_value=600), garbage)

slugs = st.text(alphabet="abcdefgh_", min_size=1, max_size=4)


@st.composite
def rules(draw):
    """A rule set as a clinician could write it: one rule a question, any advice."""
    kind = draw(st.sampled_from(AnswerKind))
    return Rule(
        slug=draw(slugs),
        disposition=draw(st.sampled_from(Disposition)),
        kind=kind,
        threshold_weeks=(
            draw(st.one_of(st.none(), st.integers(min_value=0, max_value=520)))
            if kind == AnswerKind.WEEKS
            else None
        ),
    )


rule_sets = st.lists(rules(), max_size=8, unique_by=lambda rule: rule.slug)


def answers_for(rule_list):
    """Answers to some of the rules' questions, and to questions no rule asks."""
    known = [rule.slug for rule in rule_list] or ["nothing"]
    asked = st.dictionaries(st.sampled_from(known), an_answer)
    not_asked = st.dictionaries(slugs, an_answer, max_size=3)
    return st.builds(lambda others, answers: others | answers, not_asked, asked)


def fired(rule_list, answers):
    return {rule for rule in rule_list if rule.fires(answers.get(rule.slug))}


@st.composite
def rules_and_answers(draw):
    rule_list = draw(rule_sets)
    return rule_list, draw(answers_for(rule_list))


def shipped_answers(rule_list):
    return st.dictionaries(st.sampled_from([rule.slug for rule in rule_list]), an_answer)


FAST = settings(max_examples=100, deadline=None)
# For tests that take a fixture shared by every example (the shipped rules, a test client).
WITH_FIXTURES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# Adding a yes never lowers the urgency


@FAST
@given(rules_and_answers(), st.data())
def test_adding_a_yes_never_lowers_the_urgency(rule_set, data):
    rule_list, answers = rule_set
    yes_no = [rule.slug for rule in rule_list if rule.kind == AnswerKind.YES_NO]
    if not yes_no:
        return
    slug = data.draw(st.sampled_from(yes_no))

    before = triage(answers, rule_list)
    after = triage(answers | {slug: "yes"}, rule_list)

    assert after.disposition.urgency >= before.disposition.urgency
    assert set(after.reasons) >= set(before.reasons)


@FAST
@given(rules_and_answers(), st.data())
def test_more_weeks_of_pain_never_lowers_the_urgency(rule_set, data):
    rule_list, answers = rule_set
    weeks_rules = [rule.slug for rule in rule_list if rule.kind == AnswerKind.WEEKS]
    if not weeks_rules:
        return
    slug = data.draw(st.sampled_from(weeks_rules))
    fewer = data.draw(st.integers(min_value=0, max_value=520))
    more = data.draw(st.integers(min_value=fewer, max_value=520))

    before = triage(answers | {slug: fewer}, rule_list)
    after = triage(answers | {slug: str(more)}, rule_list)

    assert after.disposition.urgency >= before.disposition.urgency


@WITH_FIXTURES
@given(st.data())
def test_adding_a_yes_never_lowers_the_urgency_under_the_shipped_rules(shipped_rules, data):
    answers = data.draw(shipped_answers(shipped_rules))
    slug = data.draw(
        st.sampled_from([r.slug for r in shipped_rules if r.kind == AnswerKind.YES_NO])
    )

    before = triage(answers, shipped_rules)
    after = triage(answers | {slug: "yes"}, shipped_rules)

    assert after.disposition.urgency >= before.disposition.urgency
    assert set(after.reasons) >= set(before.reasons)


# An emergency sign is an emergency, whatever else


@FAST
@given(rules_and_answers(), st.data())
def test_a_yes_to_an_emergency_sign_is_an_emergency_whatever_else(rule_set, data):
    rule_list, answers = rule_set
    emergency = [
        rule.slug
        for rule in rule_list
        if rule.disposition == EMERGENCY and rule.kind == AnswerKind.YES_NO
    ]
    if not emergency:
        return
    slug = data.draw(st.sampled_from(emergency))

    outcome = triage(answers | {slug: "yes"}, rule_list)

    assert outcome.disposition == EMERGENCY
    assert slug in {rule.slug for rule in outcome.deciding_reasons}


@WITH_FIXTURES
@given(st.data())
def test_under_the_shipped_rules_any_emergency_yes_is_an_emergency(shipped_rules, data):
    answers = data.draw(shipped_answers(shipped_rules))
    slug = data.draw(st.sampled_from(EMERGENCY_QUESTIONS))

    outcome = triage(answers | {slug: "yes"}, shipped_rules)

    assert outcome.disposition == EMERGENCY
    assert slug in {rule.slug for rule in outcome.reasons}


# The reasons


@FAST
@given(rules_and_answers())
def test_the_reasons_are_every_rule_that_fired_and_include_every_emergency(rule_set):
    rule_list, answers = rule_set

    outcome = triage(answers, rule_list)

    fired_rules = fired(rule_list, answers)
    emergencies = {rule for rule in fired_rules if rule.disposition == EMERGENCY}
    assert emergencies <= set(outcome.reasons)
    assert set(outcome.reasons) == fired_rules
    assert len(outcome.reasons) == len(fired_rules)
    if fired_rules:
        assert outcome.disposition.urgency == max(r.disposition.urgency for r in fired_rules)
    else:
        assert outcome.disposition == Disposition.SELF_CARE
    if emergencies:
        assert set(outcome.deciding_reasons) == emergencies


@WITH_FIXTURES
@given(st.data())
def test_under_the_shipped_rules_every_fired_emergency_is_a_reason(shipped_rules, data):
    answers = data.draw(shipped_answers(shipped_rules))

    outcome = triage(answers, shipped_rules)

    emergencies = {rule for rule in fired(shipped_rules, answers) if rule.disposition == EMERGENCY}
    assert emergencies <= set(outcome.reasons)
    assert (outcome.disposition == EMERGENCY) == bool(emergencies)


# Through the real form and view

# What a browser, a stale page or a tampered request may send for one question.
sent_value = st.one_of(
    st.sampled_from(["", "yes", "no", "maybe", "YES", " yes", "0", "7", "abc", "-1", "9999"]),
    st.text(alphabet="yesnoY 0123-x", max_size=6),
)
sent_values = st.lists(sent_value, min_size=0, max_size=3)
FORM_QUESTIONS = [*EMERGENCY_QUESTIONS, *URGENT_QUESTIONS, *GP_QUESTIONS, "duration_weeks"]


@st.composite
def form_posts(draw):
    """A POST body: some questions blank or left out, some garbage, some sent twice, maybe
    a field that is no question; and a yes, among other values, to one emergency sign."""
    body = {}
    for slug in FORM_QUESTIONS:
        values = draw(sent_values)
        if values:
            body[slug] = values
    emergency = draw(st.sampled_from(EMERGENCY_QUESTIONS))
    others = draw(st.lists(sent_value, max_size=2))
    body[emergency] = draw(st.permutations(["yes", *others]))
    if draw(st.booleans()):
        body[draw(st.sampled_from(["colour", "is_admin", "saddle", "submit"]))] = ["1"]
    return body


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=form_posts())
@pytest.mark.django_db
def test_any_emergency_yes_through_the_form_gives_the_emergency_advice(client, body):
    response = client.post(URL, body)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-disposition="([^"]*)"', html) == ["emergency"]
    number = django_settings.EMERGENCY_NUMBER
    assert f"Call {number} now or go to the emergency department" in html
    assert re.search(rf'<a [^>]*href="tel:{re.escape(number)}"[^>]*>Call {number}</a>', html)
    assert "There is a problem" not in html
