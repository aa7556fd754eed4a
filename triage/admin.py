from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from governance.history import HistoryAdmin

from .engine import NO, YES, AnswerKind, Disposition
from .models import Advice, DailyOutcomeCount, DailyYesCount, Question, Vignette


class QuestionForm(forms.ModelForm):
    """Checks the vignettes against the live rules, also when a restore has replaced them.

    `rules_before` is set on a per-request subclass while a version is being restored.
    """

    rules_before = None

    def _post_clean(self):
        super()._post_clean()
        if self.rules_before is not None and not self.errors:
            try:
                self.instance.check_vignettes(before=self.rules_before)
            except ValidationError as error:
                self.add_error(None, error)


@admin.register(Question)
class QuestionAdmin(HistoryAdmin):
    form = QuestionForm
    list_display = ["text", "slug", "group", "disposition", "threshold_weeks", "order", "active"]
    list_filter = ["group", "disposition", "active"]
    search_fields = ["text", "slug"]
    fields = [
        "slug",
        "text",
        "hint",
        "said",
        "group",
        "order",
        "kind",
        "disposition",
        "threshold_weeks",
        "active",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Safety test cases refer to questions by this name, so it never changes.
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Untick "active" instead: that change is checked against the safety test cases.
        return False

    def before_restore(self, request, live, version_id):
        request.rules_before_restore = Question.objects.rules_by_question()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        rules_before = getattr(request, "rules_before_restore", None)
        return type(form.__name__, (form,), {"rules_before": rules_before})


@admin.register(Advice)
class AdviceAdmin(HistoryAdmin):
    list_display = ["__str__", "headline", "show_treatments"]
    fields = ["disposition", "headline", "action", "safety_netting", "show_treatments"]
    readonly_fields = ["disposition"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VignetteFormBase(forms.ModelForm):
    """A safety test case, with one plain answer field per question instead of raw JSON."""

    class Meta:
        model = Vignette
        fields = ["name", "expected", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name.startswith("answer_"):
                field.initial = self.instance.answers.get(name.removeprefix("answer_"))

    def clean(self):
        cleaned = super().clean()
        answers = {}
        for name, value in cleaned.items():
            if name.startswith("answer_") and value not in (None, ""):
                answers[name.removeprefix("answer_")] = value
        self.instance.answers = answers
        return cleaned


def vignette_form_class(questions):
    """A form class with an answer field for each question (admin fieldsets must name them)."""
    fields = {}
    for question in questions:
        if question.kind == AnswerKind.WEEKS:
            fields[f"answer_{question.slug}"] = forms.IntegerField(
                label=question.text, required=False, min_value=0, max_value=520
            )
        else:
            fields[f"answer_{question.slug}"] = forms.ChoiceField(
                label=question.text,
                required=False,
                choices=[("", "Not answered"), (YES, "Yes"), (NO, "No")],
                widget=forms.RadioSelect,
            )
    return type("VignetteForm", (VignetteFormBase,), fields)


@admin.register(Vignette)
class VignetteAdmin(HistoryAdmin):
    search_fields = ["name", "note"]

    def get_questions(self, request):
        if not hasattr(request, "_triage_questions"):
            request._triage_questions = list(Question.objects.asked())
        return request._triage_questions

    def get_list_display(self, request):
        rules = [question.as_rule() for question in self.get_questions(request)]

        @admin.display(description="with the current questions")
        def result(vignette):
            outcome = vignette.outcome(rules)
            if outcome.disposition == vignette.expected:
                return format_html('<span class="vignette-pass">{}</span>', "✔ Passes")
            return format_html(
                '<strong class="vignette-fail">✘ FAILS: gives {}</strong>',
                outcome.disposition.label.lower(),
            )

        return ["name", "expected", result]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["name", "expected", "note"]}),
            (
                "Answers (leave a question “Not answered” if it is not part of the case)",
                {"fields": [f"answer_{q.slug}" for q in self.get_questions(request)]},
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = vignette_form_class(self.get_questions(request))
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        outcome = obj.outcome(Question.objects.rules())
        if outcome.disposition != obj.expected:
            self.message_user(
                request,
                f"Saved, but this test case fails with the current questions: it expects "
                f"“{Disposition(obj.expected).label}” and the checker gives "
                f"“{outcome.disposition.label}”.",
                messages.WARNING,
            )


class ReadOnlyCountAdmin(admin.ModelAdmin):
    """Anonymous daily counts: for clinicians to read, never to edit."""

    list_filter = ["date"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyOutcomeCount)
class DailyOutcomeCountAdmin(ReadOnlyCountAdmin):
    list_display = ["date", "disposition", "count"]


@admin.register(DailyYesCount)
class DailyYesCountAdmin(ReadOnlyCountAdmin):
    list_display = ["date", "question_slug", "count"]
