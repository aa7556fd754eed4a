"""Red flags in readers' own words: comments and search queries as readers write them.

Clinical safety first: every emergency case in the table is its own test, so a missed
emergency is a named failure. Over the whole table, at least 95 % of the red-flag cases are
found at their level or a more urgent one, and at most 5 % of the ordinary ones raise an
alarm (run with -s to see the rates). Properties check what no table can: ordinary words
around an emergency phrase never hide it; case and punctuation never change the answer;
a negation after a phrase never cancels it.

No database: the matcher is a pure function over the shipped red flags
(triage/migrations/0003_red_flags.json).
"""

import re

import pytest

from triage.engine import URGENCY_ORDER, Disposition
from triage.red_flags import (
    find_red_flags,
    load_red_flags,
    most_urgent,
)
from triage.wording import normalise

from .red_flag_cases import CASES, COMMENTS, QUERIES

RED_FLAGS = load_red_flags()
EMERGENCY, URGENT = Disposition.EMERGENCY, Disposition.URGENT


def case_id(kind, number, text):
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-").split("-")
    return f"{kind}{number:02d}-{'-'.join(words[:6])}"


EMERGENCY_CASES = [
    pytest.param(text, id=case_id(kind, number, text))
    for kind, table in (("comment", COMMENTS), ("query", QUERIES))
    for number, (text, expected) in enumerate(table, start=1)
    if expected == EMERGENCY
]


def urgency(level):
    return -1 if level is None else len(URGENCY_ORDER) - URGENCY_ORDER.index(level)


def test_the_table_is_big_and_varied_enough():
    assert len(COMMENTS) >= 40
    assert len(QUERIES) >= 40
    for table in (COMMENTS, QUERIES):
        assert sum(expected is None for _, expected in table) >= 20
        assert sum(expected == EMERGENCY for _, expected in table) >= 20


@pytest.mark.parametrize("text", EMERGENCY_CASES)
def test_every_emergency_case_is_found_as_an_emergency(text):
    found = find_red_flags(text, RED_FLAGS)
    assert most_urgent(text, RED_FLAGS) == EMERGENCY, (text, normalise(text), found)


def test_detection_and_false_alarm_rates_over_the_table():
    flagged = [(text, expected) for text, expected in CASES if expected is not None]
    ordinary = [text for text, expected in CASES if expected is None]
    found_levels = {text: most_urgent(text, RED_FLAGS) for text, _ in CASES}
    missed = [
        (text, expected, found_levels[text])
        for text, expected in flagged
        if urgency(found_levels[text]) < urgency(expected)
    ]
    exact = sum(found_levels[text] == expected for text, expected in flagged)
    over = [text for text, expected in flagged if urgency(found_levels[text]) > urgency(expected)]
    false_alarms = [(text, found_levels[text]) for text in ordinary if found_levels[text]]
    detection = 1 - len(missed) / len(flagged)
    false_alarm_rate = len(false_alarms) / len(ordinary)
    print(
        f"\nRed-flag cases: {len(flagged)}, found at their level or above: {detection:.1%} "
        f"(exact level {exact / len(flagged):.1%}, more urgent than expected {len(over)})"
        f"\nOrdinary cases: {len(ordinary)}, false alarms: {false_alarm_rate:.1%}"
        f"\nMissed: {missed}\nFalse alarms: {false_alarms}\nMore urgent: {over}"
    )
    assert detection >= 0.95, missed
    assert false_alarm_rate <= 0.05, false_alarms
