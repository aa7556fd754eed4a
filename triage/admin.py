from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from governance.counters import ReadOnlyCountAdmin
from governance.history import HistoryAdmin

from . import four_eyes
from .engine import NO, YES, AnswerKind, Disposition
from .four_eyes_admin import FourEyesAdmin, ReasonForm, SafetyReasonForm
from .models import Advice, DailyOutcomeCount, DailyYesCount, Question, RedFlag, Vignette

DELETE = four_eyes.Kind.DELETE_VIGNETTE


class QuestionForm(SafetyReasonForm):
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
class QuestionAdmin(FourEyesAdmin):
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
        "safety_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Safety test cases refer to questions by this name, so it never changes.
        if obj is None:
            return []
        if hasattr(obj, "red_flag"):
            # One level everywhere: a red flag's question takes the red flag's level.
            return ["slug", "disposition", "level_set_by"]
        return ["slug"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and hasattr(obj, "red_flag"):
            at = fields.index("disposition") + 1
            return [*fields[:at], "level_set_by", *fields[at:]]
        return fields

    @admin.display(description="set by")
    def level_set_by(self, question):
        red_flag = question.red_flag
        url = reverse("admin:triage_redflag_change", args=[red_flag.pk])
        return format_html(
            'The red flag <a href="{}">“{}”</a>. Change the level there: the care card, '
            "comments and search read it too.",
            url,
            red_flag,
        )

    def has_delete_permission(self, request, obj=None):
        # Untick "active" instead: that change is checked against the safety test cases.
        return False

    def before_restore(self, request, live, version_id):
        super().before_restore(request, live, version_id)
        request.rules_before_restore = Question.objects.rules_by_question()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        rules_before = getattr(request, "rules_before_restore", None)
        return type(form.__name__, (form,), {"rules_before": rules_before})


@admin.register(Advice)
class AdviceAdmin(HistoryAdmin):
    list_display = ["__str__", "headline", "show_treatments"]
    fields = [
        "disposition",
        "headline",
        "action",
        "care_card_heading",
        "safety_netting",
        "show_treatments",
    ]
    readonly_fields = ["disposition"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VignetteFormBase(SafetyReasonForm):
    """A safety test case, with one plain answer field per question instead of raw JSON.

    Answers to questions the form does not show (no longer asked) are kept as they are.
    """

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
        answers = {
            slug: value
            for slug, value in self.instance.answers.items()
            if f"answer_{slug}" not in self.fields
        }
        for name, value in cleaned.items():
            if name.startswith("answer_") and value not in (None, ""):
                answers[name.removeprefix("answer_")] = value
        self.instance.answers = answers
        return cleaned

    def held_form_fields(self):
        held = super().held_form_fields()
        if "answers" in held:
            held |= {name for name in self.fields if name.startswith("answer_")}
        return held


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
class VignetteAdmin(FourEyesAdmin):
    search_fields = ["name", "note"]
    actions = ["propose_deleting_selected"]

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
            ("Safety change", {"fields": ["safety_reason"]}),
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

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # replaced by proposing it
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """Deleting a test case is proposed, not done: the page asks why instead."""
        vignette = self.get_object(request, unquote(object_id))
        if vignette is None or not self.has_delete_permission(request, vignette):
            return super().delete_view(request, object_id, extra_context)  # not found, 403
        response = self.propose_deleting(request, [vignette])
        return response or HttpResponseRedirect(reverse("admin:triage_vignette_changelist"))

    @admin.action(description="Propose deleting selected safety test cases", permissions=["delete"])
    def propose_deleting_selected(self, request, queryset):
        return self.propose_deleting(request, list(queryset))

    def propose_deleting(self, request, vignettes):
        """The page that asks why, then a proposal for each test case that may go."""
        refused = {}
        for vignette in vignettes:
            try:
                four_eyes.check_can_propose(vignette, DELETE, {}, four_eyes.snapshot(vignette))
            except ValidationError as refusal:
                refused[vignette] = " ".join(refusal.messages)
        allowed = [vignette for vignette in vignettes if vignette not in refused]
        form = ReasonForm(request.POST if "post" in request.POST else None)
        if allowed and form.is_valid():
            for vignette in allowed:
                reason = form.cleaned_data["reason"]
                live = four_eyes.snapshot(vignette)
                four_eyes.propose(vignette, DELETE, {}, reason, request.user, live)
            for refusal in refused.values():
                self.message_user(request, refusal, messages.ERROR)
            self.message_user(request, four_eyes.NOT_CHANGED_YET, messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Propose deleting safety test cases",
            "opts": self.opts,
            "allowed": allowed,
            "refused": refused.items(),
            "form": form,
            "single": request.resolver_match.url_name == "triage_vignette_delete",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/triage/vignette/propose_delete.html", context)


@admin.register(RedFlag)
class RedFlagAdmin(FourEyesAdmin):
    form = SafetyReasonForm
    list_display = ["noticed", "level", "topic", "question", "active", "phrase_count"]
    list_filter = ["level", "active", "topic"]
    list_select_related = ["topic", "question"]
    search_fields = ["noticed", "slug", "phrases", "question__text"]
    fields = [
        "noticed",
        "level",
        "topic",
        "slug",
        "question",
        "phrases",
        "order",
        "active",
        "safety_reason",
    ]

    @admin.display(description="phrases")
    def phrase_count(self, red_flag):
        return len(red_flag.phrase_list)

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Untick "active" instead: that waits for a second clinician's approval.
        return False


@admin.register(DailyOutcomeCount)
class DailyOutcomeCountAdmin(ReadOnlyCountAdmin):
    list_display = ["date", "disposition", "count"]


@admin.register(DailyYesCount)
class DailyYesCountAdmin(ReadOnlyCountAdmin):
    list_display = ["date", "question_slug", "count"]
