from django import template

from ..models import Article

register = template.Library()


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
