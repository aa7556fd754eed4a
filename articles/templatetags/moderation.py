from django import template

from articles.models import Comment

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
