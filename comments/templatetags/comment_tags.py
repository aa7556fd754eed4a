from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html

from pagecache.pages import rendered_with

from ..forms import CommentForm, empty_form_html
from ..models import Comment, ThreadPaginator
from ..views import RED_FLAG_MESSAGE_TAG

register = template.Library()


@register.inclusion_tag("comments/includes/comments.html", takes_context=True)
def comments_section(context, article):
    """An article's visible comment threads (paged by `?comments=`) and the comment form.

    A page shown again after a refused comment puts the reader's form in the context as
    `comment_form`, so their words and the reasons come back with it. Red-flag advice for
    a comment just sent comes first, as HTML; any other message is text.
    """
    request = context["request"]
    threads = ThreadPaginator(article, settings.COMMENTS_PER_PAGE)
    form = None
    if article.comments_are_open:
        form = context.get("comment_form") or CommentForm()
    messages = list(context.get("messages") or ())
    comments_page = threads.get_page(request.GET.get("comments"))
    # A page number past the last shows the last page: cached once, as that page.
    rendered_with(request, comments=comments_page.number)
    return {
        "article": article,
        "request": request,
        "red_flag_advice_messages": [m for m in messages if is_red_flag_advice(m)],
        # The advice for a refused comment, shown with the reader's words again.
        "red_flag_advice": context.get("comment_red_flag_advice"),
        "emergency_number": context.get("emergency_number"),
        "urgent_number": context.get("urgent_number"),
        "messages": [m for m in messages if not is_red_flag_advice(m)],
        "comments_page": comments_page,
        "comment_form": form,
        "empty_form_html": empty_form_html() if form and not form.is_bound else None,
    }


@register.simple_tag
def shown_comment(comment):
    """One comment's name, date, words and report button (a `ShownComment`), escaped.

    Written in Python, not an included template: a page shows up to a hundred comments and
    replies, and an include for each cost its render several milliseconds.
    """
    if comment.is_clinician_reply:
        role = format_html(", {}", comment.author_role) if comment.author_role else ""
        who = format_html(
            '<span class="clinician-badge">Response from a clinician:</span>\n'
            "<strong><bdi>{}</bdi></strong>{}",
            comment.name,
            role,
        )
        report = ""
    else:
        who = format_html("<strong><bdi>{}</bdi></strong>", comment.name)
        report = format_html(
            '\n<form method="post" action="{}" class="report-form">'
            '<button type="submit" class="btn btn-link btn-sm">Report this comment'
            '<span class="visually-hidden"> by {}</span></button></form>',
            comment.report_url,
            comment.name,
        )
    return format_html(
        '<p class="comment-meta">{}\n<span aria-hidden="true"> · </span>'
        '<time datetime="{}">{}</time></p>\n'
        '<div class="comment-body" dir="auto">{}</div>{}',
        who,
        comment.sent_at.isoformat(),
        comment.day_sent,
        linebreaks_filter(comment.body, autoescape=True),
        report,
    )


def is_red_flag_advice(message):
    return RED_FLAG_MESSAGE_TAG in message.tags.split()


@register.inclusion_tag("admin/includes/comments_waiting.html", takes_context=True)
def comments_waiting(context):
    """How many comments wait for a moderator, for those who can moderate them."""
    user = context["request"].user
    if not user.has_perm("comments.view_comment"):
        return {"show": False}
    return {
        "show": True,
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "reported": Comment.objects.filter(hidden_by_reports=True).count(),
    }
