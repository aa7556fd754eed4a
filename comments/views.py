from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article
from pagecache.pages import public_form
from triage.advice import advice_for_text

from . import policy
from .forms import CommentForm
from .models import Comment

COMMENT_THANKS = "Thank you — your comment will appear once a moderator has approved it."
TOO_MANY_COMMENTS = (
    "You have sent several comments in a short time, so we could not accept this one yet. "
    "Your text is still below: please wait a few minutes and send it again."
)
# A refused comment's text is read for red flags up to this many characters (a valid
# comment is at most 2,000), so a huge POST costs no more than a long comment.
MAX_TEXT_READ = 10_000
# The tag of the message that carries red-flag advice: the only message shown as HTML.
RED_FLAG_MESSAGE_TAG = "red-flag"


@public_form
@require_POST
def post_comment(request, slug):
    """Store a reader's comment as pending (or spam), then post/redirect/get.

    Whatever goes wrong, the article comes back with the reader's text intact and the
    reason next to it. A comment that mentions a red flag brings the advice for it, above
    the thank-you: the reader must not wait for a moderator to learn they need help now.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    status = refusal_status(request, article, form)
    if status is not None:
        # Refused or not (too long, too fast, no name, too many), a comment that mentions a
        # red flag gets its advice: no form error stands between a reader and help.
        body = request.POST.get("body", "")[:MAX_TEXT_READ]
        extra_context = {"comment_form": form, "comment_red_flag_advice": advice_for_text(body)}
        page = Article.objects.published().for_page().get(pk=article.pk)
        return render_article(request, page, status=status, extra_context=extra_context)
    comment = form.save(commit=False)
    comment.article = article
    red_flag_advice = policy.receive(comment, request)
    if red_flag_advice is not None:
        add_red_flag_message(request, red_flag_advice)
    messages.success(request, COMMENT_THANKS)
    return redirect(f"{article.get_absolute_url()}#comments")


def add_red_flag_message(request, red_flag_advice):
    """The advice, rendered now, as a message for the page after the redirect.

    Rendered here, with the numbers from settings, so the next page needs nothing but the
    message. render_to_string() marks its HTML safe, and message storage keeps that mark;
    the messages cookie is signed, so no one else can put HTML in a message.
    """
    html = render_to_string(
        "triage/includes/red_flag_advice.html",
        {"red_flag_advice": red_flag_advice, "mentioned": "comment"},
        request=request,
    )
    level = messages.ERROR if red_flag_advice.is_emergency else messages.WARNING
    messages.add_message(request, level, html, extra_tags=RED_FLAG_MESSAGE_TAG)


def refusal_status(request, article, form):
    """The status to answer with when this comment cannot be taken now, or None."""
    if not article.comments_are_open:
        return 403
    if not form.is_valid():
        return 200
    if policy.comment_rate_exceeded(request):
        form.add_error(None, TOO_MANY_COMMENTS)
        return 429
    return None


@public_form
@require_POST
def report_comment(request, pk):
    # Readers report readers' comments; clinicians' replies are answered by moderators.
    reportable = Comment.objects.visible().filter(
        author__isnull=True, article__in=Article.objects.published()
    )
    comment = get_object_or_404(reportable, pk=pk)
    policy.count_report(request, comment)
    messages.success(request, "Thank you for telling us. A moderator will check this comment.")
    return redirect(f"{comment.article.get_absolute_url()}#comments")
