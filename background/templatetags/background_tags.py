from django import template

from background.admin import WORKER_SILENT_AFTER, WORKER_SILENT_MESSAGE
from background.models import BackgroundTask

register = template.Library()


@register.inclusion_tag("admin/includes/background_problems.html", takes_context=True)
def background_problems(context):
    """On the admin's home page, for those who can see the queue: emails not sent yet
    because of an error, and a worker that seems not to be running. Nothing when all is
    well."""
    if not context["request"].user.has_perm("background.view_backgroundtask"):
        return {"show": False}
    failing = BackgroundTask.objects.needing_attention().count()
    stalled = BackgroundTask.objects.waiting_longer_than(WORKER_SILENT_AFTER).exists()
    return {
        "show": bool(failing or stalled),
        "failing": failing,
        "stalled": WORKER_SILENT_MESSAGE if stalled else "",
    }
