"""The triage engine: answers in, disposition and reasons out.

A plain function over plain rules, with no database and no HTTP, so every clinical rule can
be tested directly. Safety lives here, not in the rules clinicians edit: the most urgent
disposition any answer reaches always wins, so no answer can ever downgrade a red flag
(red flags first: NICE NG59 and NHS 111 both rule out emergencies before anything else).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Disposition(StrEnum):
    """How urgently to get help, most urgent first."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    GP = "gp"
    SELF_CARE = "self_care"

    @property
    def urgency(self):
        """Higher is more urgent."""
        return len(URGENCY_ORDER) - URGENCY_ORDER.index(self)

    @property
    def label(self):
        return LABELS[self]


URGENCY_ORDER = [
    Disposition.EMERGENCY,
    Disposition.URGENT,
    Disposition.GP,
    Disposition.SELF_CARE,
]
LABELS = {
    Disposition.EMERGENCY: "Emergency: call now",
    Disposition.URGENT: "Urgent: get help today",
    Disposition.GP: "See a GP or physiotherapist",
    Disposition.SELF_CARE: "Look after yourself at home",
}


class AnswerKind(StrEnum):
    YES_NO = "yes_no"
    WEEKS = "weeks"


YES = "yes"
NO = "no"


@dataclass(frozen=True)
class Rule:
    """One question and what an answer to it means.

    A yes/no question fires on "yes"; a weeks question fires when the answer is at least
    `threshold_weeks`. `said` is how the result page reports the answer ("You said ...").
    """

    slug: str
    disposition: Disposition
    kind: AnswerKind = AnswerKind.YES_NO
    threshold_weeks: int | None = None
    said: str = ""

    def fires(self, answer):
        if answer is None or answer == "":
            return False
        if self.kind == AnswerKind.WEEKS:
            try:
                weeks = int(answer)
            except (TypeError, ValueError, OverflowError):
                # Not a number of weeks (e.g. a test case written for yes/no, or infinity):
                # it cannot fire this rule, and must not stop the other rules firing.
                return False
            return self.threshold_weeks is not None and weeks >= self.threshold_weeks
        return answer == YES


@dataclass(frozen=True)
class Outcome:
    disposition: Disposition
    reasons: tuple[Rule, ...] = field(default=())
    """Every rule that fired, most urgent first: the first ones are why this disposition."""

    @property
    def deciding_reasons(self):
        """The answers that set the disposition (the others were less urgent)."""
        return tuple(rule for rule in self.reasons if rule.disposition == self.disposition)

    @property
    def other_reasons(self):
        return tuple(rule for rule in self.reasons if rule.disposition != self.disposition)


def triage(answers, rules):
    """Return the Outcome for a reader's answers under the given rules.

    `answers` maps question slugs to "yes", "no", a whole number of weeks, or None for no
    answer. Answers to questions without a rule are ignored. With nothing firing the
    outcome is self-care.
    """
    fired = [rule for rule in rules if rule.fires(answers.get(rule.slug))]
    fired.sort(key=lambda rule: -Disposition(rule.disposition).urgency)
    if not fired:
        return Outcome(Disposition.SELF_CARE)
    return Outcome(Disposition(fired[0].disposition), tuple(fired))
