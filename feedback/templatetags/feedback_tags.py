"""Readers' feedback in the admin: on the review dashboard and on an article's own page.

Counts and approved notes are for clinicians (who can view the counts); moderators are
told how many notes wait for them. Nobody else sees any of it.
"""

import datetime

from django import template
from django.utils import timezone

from ..models import DailyAnswerCount, MissingNote

register = template.Library()

ARTICLES_SHOWN = 10
DASHBOARD_NOTES_SHOWN = 5
ARTICLE_NOTES_SHOWN = 10


def first_day_of_last(days):
    """The first day of the last `days` days, today included."""
    return timezone.localdate() - datetime.timedelta(days=days - 1)


def reads_counts(user):
    return user.has_perm("feedback.view_dailyanswercount")


def reads_approved_notes(user):
    return reads_counts(user) and user.has_perm("feedback.view_missingnote")


@register.inclusion_tag("feedback/admin/dashboard.html", takes_context=True)
def page_feedback_summary(context, days=30):
    """The articles readers answered about in the last `days` days, least helpful first,
    with the latest approved notes; and how many notes wait, for those who moderate them."""
    user = context["request"].user
    summary = {
        "days": days,
        "shows_counts": reads_counts(user),
        "shows_notes": reads_approved_notes(user),
        "shows_waiting": user.has_perm("feedback.moderate_missingnote"),
    }
    summary["show"] = summary["shows_counts"] or summary["shows_waiting"]
    since = first_day_of_last(days)
    if summary["shows_counts"]:
        summary["articles"] = DailyAnswerCount.objects.since(since).by_article()[:ARTICLES_SHOWN]
    if summary["shows_notes"]:
        summary["notes"] = (
            MissingNote.objects.approved()
            .filter(date__gte=since)
            .select_related("article")[:DASHBOARD_NOTES_SHOWN]
        )
    if summary["shows_waiting"]:
        summary["waiting"] = MissingNote.objects.awaiting_moderation().count()
    return summary


@register.inclusion_tag("feedback/admin/article.html", takes_context=True)
def page_feedback_for(context, article, days=30):
    """What readers answered under this article, for its change page in the admin.

    A draft of a live page shows the live page's feedback: that is what readers answered
    about, and what the draft may put right.
    """
    user = context["request"].user
    if article is None or article.pk is None or not reads_counts(user):
        return {"show": False}
    live_id = article.draft_of_id or article.pk
    counts = DailyAnswerCount.objects.filter(article_id=live_id)
    feedback = {
        "show": True,
        "days": days,
        "article_id": live_id,
        "recent": counts.since(first_day_of_last(days)).totals(),
        "overall": counts.totals(),
        "first_day": counts.order_by("date").values_list("date", flat=True).first(),
        "shows_notes": reads_approved_notes(user),
    }
    if feedback["shows_notes"]:
        notes = MissingNote.objects.approved().filter(article_id=live_id)
        feedback["notes"] = notes[:ARTICLE_NOTES_SHOWN]
        feedback["notes_total"] = notes.count()
    return feedback
