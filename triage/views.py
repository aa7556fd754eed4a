from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from articles.models import Section, Treatment

from .engine import triage
from .forms import TriageForm
from .models import Advice, Question, record_outcome


@require_http_methods(["GET", "HEAD", "POST"])
@cache_control(private=True, no_store=True)
def checker(request):
    """The symptom checker: one form, one POST, one result, nothing stored about the reader.

    The result is rendered in answer to the POST (no redirect) because keeping the answers
    for a later GET would mean storing them or putting them in a URL.
    """
    questions = list(Question.objects.asked())
    form = TriageForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        outcome = triage(answers, [question.as_rule() for question in questions])
        record_outcome(outcome)
        advice = Advice.objects.filter(disposition=outcome.disposition).first()
        suggest_treatments = advice is not None and advice.show_treatments
        topic = settings.SYMPTOM_CHECKER_TOPIC
        return render(
            request,
            "triage/result.html",
            {
                "outcome": outcome,
                "advice": advice,
                "weeks": answers.get("duration_weeks"),
                "treatments": (
                    Treatment.objects.recommended_for_topic(topic) if suggest_treatments else []
                ),
                "further_reading": (
                    Section.objects.treatment_sections(topic) if suggest_treatments else []
                ),
            },
        )
    return render(request, "triage/checker.html", {"form": form})


@cache_control(private=True, no_store=True)
def checker_after_expired_token(request):
    """The checker again after a failed security check, with the reader's answers filled in.

    Nothing is evaluated or counted: the reader checks the answers and sends them again
    with a fresh token.
    """
    questions = list(Question.objects.asked())
    initial = {question.slug: request.POST.get(question.slug, "")[:10] for question in questions}
    form = TriageForm(initial=initial, questions=questions)
    return render(request, "triage/checker.html", {"form": form, "token_expired": True}, status=403)
