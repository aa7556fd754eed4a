from django import template

from articles.models import Article, Comment

register = template.Library()


@register.inclusion_tag("admin/includes/comments_waiting.html", takes_context=True)
def comments_waiting(context):
    """How many comments wait for a moderator, for those who can moderate them."""
    user = context["request"].user
    if not user.has_perm("articles.view_comment"):
        return {"show": False}
    return {
        "show": True,
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "reported": Comment.objects.filter(hidden_by_reports=True).count(),
    }


@register.inclusion_tag("admin/includes/reviews_due.html", takes_context=True)
def reviews_due(context, days=30):
    """Articles overdue for clinical review, and those due soon, for people who edit them."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    return {
        "show": True,
        "days": days,
        "overdue": Article.objects.review_overdue().order_by("next_review_due"),
        "due_soon": Article.objects.review_due_within(days).order_by("next_review_due"),
    }
