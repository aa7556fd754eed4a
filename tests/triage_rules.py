"""The default triage rules as tests look them up: what the spec says each question leads to,
the stored questions, and the safety test cases (vignettes) that include an answer."""

from triage.models import Question, Vignette

from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, URGENT_QUESTIONS

SPEC_DISPOSITIONS = (
    {slug: "emergency" for slug in EMERGENCY_QUESTIONS}
    | {slug: "urgent" for slug in URGENT_QUESTIONS}
    | {slug: "gp" for slug in GP_QUESTIONS}
    | {"duration_weeks": "gp"}
)


def question(slug):
    return Question.objects.get(slug=slug)


def vignettes_with(**answers):
    """Names of the vignettes that include these answers (default names may be reworded)."""
    names = [
        vignette.name
        for vignette in Vignette.objects.all()
        if answers.items() <= vignette.answers.items()
    ]
    assert names, answers
    return names
