"""“Was this page helpful?”: plain forms, Post/Redirect/Get, no JavaScript needed.

Yes is counted and thanked; No is counted and leads to a page with the optional “What was
missing?” box. Neither the answer nor the note is stored with anything about the reader,
and no cookie is set for either, except the one-off message that carries red-flag advice
to the thank-you page.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from pagecache.pages import public_form
from triage.advice import advice_for_text

from .forms import AnswerForm, MissingNoteForm
from .models import Answer, DailyAnswerCount, MissingNote
from .policy import feedback_rate_exceeded

TOO_MANY_ANSWERS = (
    "You have sent feedback several times in a short time, so we did not count this answer. "
    "Please wait a few minutes and try again."
)
TOO_MANY_NOTES = (
    "You have sent feedback several times in a short time, so we could not take this note "
    "yet. Your text is still below: please wait a few minutes and send it again."
)
# A note's text is read for red flags up to this many characters (a valid note is at most
# 500), so a huge POST costs no more than a long note.
MAX_TEXT_READ = 10_000
# The tag of the message that carries red-flag advice: the only message shown as HTML.
RED_FLAG_MESSAGE_TAG = "red-flag"


def published_article(slug):
    return get_object_or_404(Article.objects.published(), slug=slug)


@public_form
@require_POST
def answer(request, slug):
    article = published_article(slug)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/answer_refused.html", {"article": article}, status=400)
    if feedback_rate_exceeded(request):
        context = {"article": article, "reason": TOO_MANY_ANSWERS}
        return render(request, "feedback/answer_refused.html", context, status=429)
    DailyAnswerCount.count(article, form.cleaned_data["answer"])
    if form.cleaned_data["answer"] == Answer.NO:
        return redirect("feedback:missing", slug=article.slug)
    return redirect("feedback:thanks", slug=article.slug)


@public_form
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def missing(request, slug):
    """The “What was missing?” box, never cached: it may hold the reader's words.

    A refused note (too long, too many) comes back with every word and the reason next to
    it. A note that mentions a red flag brings the advice for it, whether the note was
    taken or not: no form error stands between a reader and help.
    """
    article = published_article(slug)
    form = MissingNoteForm(request.POST if request.method == "POST" else None)
    red_flag_advice = None
    status = 200
    if form.is_bound:
        red_flag_advice = advice_for_text(request.POST.get("text", "")[:MAX_TEXT_READ])
        if form.is_valid():
            text = form.cleaned_data["text"]
            if not text:
                return redirect("feedback:thanks", slug=article.slug)
            if not feedback_rate_exceeded(request):
                MissingNote.objects.create(article=article, text=text)
                if red_flag_advice is not None:
                    add_red_flag_message(request, red_flag_advice)
                return redirect("feedback:thanks", slug=article.slug)
            form.add_error(None, TOO_MANY_NOTES)
            status = 429
    context = {"article": article, "form": form, "red_flag_advice": red_flag_advice}
    return render(request, "feedback/missing.html", context, status=status)


@never_cache
@require_safe
def thanks(request, slug):
    return render(request, "feedback/thanks.html", {"article": published_article(slug)})


def add_red_flag_message(request, red_flag_advice):
    """The advice, rendered now, as a message for the thank-you page after the redirect.

    Rendered here, with the numbers from settings; the messages cookie is signed, so no one
    else can put HTML in a message, and it is gone once the thank-you page has shown it.
    """
    html = render_to_string(
        "triage/includes/red_flag_advice.html",
        {"red_flag_advice": red_flag_advice, "mentioned": "feedback"},
        request=request,
    )
    level = messages.ERROR if red_flag_advice.is_emergency else messages.WARNING
    messages.add_message(request, level, html, extra_tags=RED_FLAG_MESSAGE_TAG)
