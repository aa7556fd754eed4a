import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from articles import sharing
from articles.models import Section, Treatment
from pagecache.pages import current_version, next_change_by_clock, public_form, public_page

from .engine import AnswerKind, triage
from .forms import TriageForm
from .models import checker_rules, record_outcome

logger = logging.getLogger(__name__)

CHECKER_TITLE = "Check how urgently you need help with back pain"
CHECKER_DESCRIPTION = (
    "Answer a few questions about your back pain to find out how urgently to get help, and why."
)


@require_http_methods(["GET", "HEAD", "POST"])
@public_page()
@public_form
def checker(request):
    """The symptom checker: one form, one POST, one result, nothing stored about the reader.

    The empty form is the same page for every reader, so it is served from the page cache.
    The result is rendered in answer to the POST (no redirect) because keeping the answers
    for a later GET would mean storing them or putting them in a URL. A yes to a red flag
    gives its result at once, whatever else is missing or wrong on the form.
    """
    rules = checker_rules.get()
    if request.method != "POST":
        return render_checker(request, {"form": TriageForm(None, questions=rules.questions)})
    return answered(request, rules)


@cache_control(private=True, no_store=True)  # the answers are the reader's own
def answered(request, rules):
    form = TriageForm(request.POST, questions=rules.questions)
    if form.gives_advice():
        return result(request, form, rules, count=True)
    return render_checker(request, {"form": form})


@cache_control(private=True, no_store=True)
def checker_after_expired_token(request):
    """The checker again after a failed security check, with the reader's answers filled in.

    Nothing is counted: the reader checks the answers and sends them again with a fresh
    token. But a yes to a red flag is not sent back to wait for another press: its advice
    is shown straight away (still refused as a request, and still counting nothing).
    """
    rules = checker_rules.get()
    questions = rules.questions
    sent = TriageForm(request.POST, questions=questions)
    if sent.red_flags_given():
        return result(request, sent, rules, count=False, token_expired=True, status=403)
    initial = {question.slug: request.POST.get(question.slug, "")[:10] for question in questions}
    form = TriageForm(initial=initial, questions=questions)
    return render_checker(request, {"form": form, "token_expired": True}, status=403)


def render_checker(request, context, status=200):
    """The checker's form page, with what link previews and search engines read of it."""
    canonical_url = request.build_absolute_uri(reverse("triage:checker"))
    site_url = request.build_absolute_uri(reverse("articles:home"))
    structured_data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": CHECKER_TITLE,
        "description": CHECKER_DESCRIPTION,
        "url": canonical_url,
        "inLanguage": "en-GB",
        "about": {"@type": "MedicalCondition", "name": "Back pain"},
        # For people with back pain deciding where to get help, not for clinicians.
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "isAccessibleForFree": True,
        "publisher": sharing.organisation(settings.SITE_NAME, site_url),
    }
    page = {
        "canonical_url": canonical_url,
        "share_image_url": sharing.share_image_url(request),
        "structured_data": structured_data,
    }
    return render(request, "triage/checker.html", page | context, status=status)


def reason_words(rule, signs, weeks):
    """How the result repeats an answer: the red flag's own words for a yes (the wording
    the care card and comment advice use too), or the question's, with the weeks filled in."""
    if rule.slug in signs and rule.kind == AnswerKind.YES_NO:
        return signs[rule.slug]
    return rule.said.replace("{weeks}", str(weeks))


def result(request, form, rules, *, count, token_expired=False, status=200):
    """The result page for the answers that could be read, and what could not be used,
    with the `rules` (`checker_rules`) the form was built from."""
    answers = form.answers()
    outcome = triage(answers, [question.as_rule() for question in form.questions])
    advice = rules.advice.get(outcome.disposition)
    suggest_treatments = advice is not None and advice.show_treatments
    topic = settings.SYMPTOM_CHECKER_TOPIC
    weeks = answers.get("duration_weeks")
    # The red flags' words repeat the answers that led somewhere.
    signs = rules.signs
    context = {
        "outcome": outcome,
        "advice": advice,
        "weeks": weeks,
        "deciding": [reason_words(rule, signs, weeks) for rule in outcome.deciding_reasons],
        "others": [reason_words(rule, signs, weeks) for rule in outcome.other_reasons],
        "gaps": form.gaps(),
        "token_expired": token_expired,
    }
    context["treatments"], context["further_reading"] = (
        reading_for_results(topic) if suggest_treatments else ([], [])
    )
    if count:
        try:
            with transaction.atomic():
                record_outcome(outcome)
        except DatabaseError:
            # The count is for clinicians' reports; the reader's advice must not wait on it.
            logger.exception("Could not count a symptom checker result")
    return render(request, "triage/result.html", context, status=status)


# Kept at most this long in the cache; a new public pages version replaces it before.
READING_SECONDS = 24 * 60 * 60


def reading_for_results(topic):
    """The treatments and the further reading a result suggests, for `topic`.

    Published content, the same for every reader until something public changes: read once
    per public pages version (and again when the clock makes an article public, as cached
    pages are), rather than with two queries over the topic's articles on every result.
    """
    version = current_version()
    key = f"triage:reading:{topic}:{version}"
    try:
        stored = cache.get(key)
    except Exception:
        logger.warning("Cache unavailable: further reading read afresh", exc_info=True)
        stored = None
    if stored is not None and (stored["until"] is None or timezone.now() < stored["until"]):
        return stored["treatments"], stored["sections"]
    until = next_change_by_clock()  # asked first, so an article going live meanwhile counts
    treatments = Treatment.objects.recommended_for_topic(topic)
    sections = list(Section.objects.treatment_sections(topic))
    try:
        cache.set(
            key,
            {"until": until, "treatments": treatments, "sections": sections},
            timeout=READING_SECONDS,
        )
    except Exception:
        logger.warning("Cache unavailable: further reading not kept", exc_info=True)
    return treatments, sections
