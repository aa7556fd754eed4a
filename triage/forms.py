from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from .engine import NO, YES, AnswerKind
from .helplines import fill_in_numbers
from .models import Question

MAX_WEEKS = 520

REQUIRED_MESSAGE = "Answer yes or no. We need this answer to check for signs that need urgent help."


class TriageForm(forms.Form):
    """All the checker's questions in one form, built from the clinicians' questions.

    Red-flag questions must be answered; the routine ones may be left blank (blank counts
    as "no"). Every answer the reader gave comes back with any error.
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
        if question.kind == AnswerKind.WEEKS:
            return forms.IntegerField(
                label=label,
                help_text=fill_in_numbers(question.hint),
                required=question.answer_required,
                min_value=0,
                max_value=MAX_WEEKS,
                error_messages={
                    "invalid": "Enter a whole number of weeks, like 2.",
                    "min_value": "Enter a number of weeks from 0 upwards.",
                    "max_value": f"Enter a number of weeks up to {MAX_WEEKS}.",
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        return forms.ChoiceField(
            label=label,
            help_text=fill_in_numbers(question.hint),
            required=question.answer_required,
            choices=[(YES, "Yes"), (NO, "No")],
            widget=forms.RadioSelect,
            error_messages={
                "required": REQUIRED_MESSAGE,
                "invalid_choice": "Choose yes or no.",
            },
        )

    def answers(self):
        """The cleaned answers by question slug; None where a routine question was skipped."""
        return {slug: value if value != "" else None for slug, value in self.cleaned_data.items()}
