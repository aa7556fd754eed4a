from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from governance.helplines import fill_in_numbers

from .engine import NO, YES, AnswerKind
from .models import Question

MAX_WEEKS = 520

REQUIRED_MESSAGE = "Answer yes or no. We need this answer to check for signs that need urgent help."
CONFLICTING_MESSAGE = "We got two different answers to this question. Choose one."
UNRECOGNISED_MESSAGE = (
    "The form had answers we do not recognise. Please check your answers and send them again."
)
# Sent with every answer set, but not answers: the security token and the submit button.
NOT_ANSWERS = {"csrfmiddlewaretoken", "submit"}


@dataclass(frozen=True)
class ConflictingAnswers:
    """One question sent more than once with different answers (a browser sends one)."""

    values: tuple[str, ...]


def sent_answer(data, name):
    """The answer sent for a question: one value, or ConflictingAnswers if they disagree.

    Blank copies are not answers; copies of the same answer are that answer once.
    """
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    given = tuple(dict.fromkeys(value for value in values if value not in (None, "")))
    if len(given) > 1:
        return ConflictingAnswers(given)
    return given[0] if given else data.get(name)


class YesNoButtons(forms.RadioSelect):
    def value_from_datadict(self, data, files, name):
        return sent_answer(data, name)

    def format_value(self, value):
        # Neither button is shown as chosen when two different answers came in.
        return [] if isinstance(value, ConflictingAnswers) else super().format_value(value)


class WeeksInput(forms.NumberInput):
    def value_from_datadict(self, data, files, name):
        return sent_answer(data, name)

    def format_value(self, value):
        return None if isinstance(value, ConflictingAnswers) else super().format_value(value)


class SettlesRedFlagConflicts:
    """Two different answers to a red flag are read as the one that fires it, if one does
    (a yes; the longest time): an ambiguous answer to a warning sign must lead to the
    advice, not away from it. Any other conflict is an error the reader resolves."""

    def __init__(self, *, red_flag_rule=None, **kwargs):
        self.red_flag_rule = red_flag_rule
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, ConflictingAnswers):
            return super().to_python(value)
        firing = []
        for one in value.values if self.red_flag_rule is not None else ():
            try:
                answer = super().to_python(one)
                self.validate(answer)
                self.run_validators(answer)
            except ValidationError:
                continue
            if self.red_flag_rule.fires(answer):
                firing.append(answer)
        if firing:
            return max(firing)
        raise ValidationError(self.error_messages["conflicting"], code="conflicting")


class YesNoField(SettlesRedFlagConflicts, forms.ChoiceField):
    widget = YesNoButtons


class WeeksField(SettlesRedFlagConflicts, forms.IntegerField):
    widget = WeeksInput


@dataclass(frozen=True)
class Gaps:
    """What the result page says about answers it could not use, if it is shown anyway."""

    unanswered: tuple[Question, ...] = ()
    unreadable: tuple[Question, ...] = ()
    taken_as_yes: tuple[Question, ...] = ()
    unrecognised: bool = False

    def __bool__(self):
        return bool(self.unanswered or self.unreadable or self.taken_as_yes or self.unrecognised)


class TriageForm(forms.Form):
    """All the checker's questions in one form, built from the clinicians' questions.

    Red-flag questions must be answered; the routine ones may be left blank (blank counts
    as "no"). Every answer the reader gave comes back with any error. But a yes to a red
    flag is never held back by the rest of the form (red flags first: NICE NG59): when one
    is there, `gives_advice()` is true even if other answers are missing or wrong.
    """

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.slug] = self.field_for(question)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        groups = {}
        for question in self.questions:
            groups.setdefault(question.group, []).append(question.slug)
        self.helper.layout = Layout(
            *(
                Fieldset(Question.Group(group).label, *slugs, css_class=f"triage-group-{group}")
                for group, slugs in groups.items()
            ),
            Submit("submit", "Get my advice", css_class="btn-lg"),
        )

    @staticmethod
    def field_for(question):
        label = question.text if question.answer_required else f"{question.text} (optional)"
        red_flag_rule = question.as_rule() if question.is_red_flag else None
        if question.kind == AnswerKind.WEEKS:
            return WeeksField(
                red_flag_rule=red_flag_rule,
                label=label,
                help_text=fill_in_numbers(question.hint),
                required=question.answer_required,
                min_value=0,
                max_value=MAX_WEEKS,
                error_messages={
                    "invalid": "Enter a whole number of weeks, like 2.",
                    "min_value": "Enter a number of weeks from 0 upwards.",
                    "max_value": f"Enter a number of weeks up to {MAX_WEEKS}.",
                    "conflicting": CONFLICTING_MESSAGE,
                },
                widget=WeeksInput(attrs={"inputmode": "numeric"}),
            )
        return YesNoField(
            red_flag_rule=red_flag_rule,
            label=label,
            help_text=fill_in_numbers(question.hint),
            required=question.answer_required,
            choices=[(YES, "Yes"), (NO, "No")],
            error_messages={
                "required": REQUIRED_MESSAGE,
                "invalid_choice": "Choose yes or no.",
                "conflicting": CONFLICTING_MESSAGE,
            },
        )

    def clean(self):
        # Names that are no question are refused rather than ignored: a form built for other
        # questions, or a tampered one, should not get a result as if it were complete.
        if set(self.data) - set(self.fields) - NOT_ANSWERS:
            raise ValidationError(UNRECOGNISED_MESSAGE, code="unrecognised")
        return self.cleaned_data

    def answers(self):
        """The answers that could be read, by question slug; None where a question was
        skipped or its answer could not be read."""
        errors = self.errors  # validates the answers, once
        read = {
            slug: value
            for slug, value in self.cleaned_data.items()
            if slug not in errors and value not in (None, "")
        }
        return {question.slug: read.get(question.slug) for question in self.questions}

    def red_flags_given(self):
        """The red-flag questions whose answer, as far as it could be read, is a yes."""
        if not self.is_bound:
            return []
        answers = self.answers()
        return [
            question
            for question in self.questions
            if question.is_red_flag and question.as_rule().fires(answers[question.slug])
        ]

    def gives_advice(self):
        """Whether the answers lead to a result: all in order, or a yes to a red flag."""
        return self.is_bound and (self.is_valid() or bool(self.red_flags_given()))

    def gaps(self):
        """What could not be used from the answers, for the result page to say so."""
        errors = self.errors.as_data()
        codes = {slug: {error.code for error in found} for slug, found in errors.items()}
        answers = self.answers()
        incomplete = bool(errors)
        return Gaps(
            unanswered=tuple(
                question
                for question in self.questions
                if incomplete
                and (
                    codes.get(question.slug) == {"required"}
                    or (question.slug not in errors and answers[question.slug] is None)
                )
            ),
            unreadable=tuple(
                question
                for question in self.questions
                if question.slug in errors and codes[question.slug] != {"required"}
            ),
            taken_as_yes=tuple(
                question
                for question in self.questions
                if isinstance(self[question.slug].data, ConflictingAnswers)
                and question.slug not in errors
                and question.as_rule().fires(answers[question.slug])
            ),
            unrecognised="unrecognised" in codes.get(NON_FIELD_ERRORS, set()),
        )
