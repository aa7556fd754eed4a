from django import template

from ..models import SafetyChangeProposal

register = template.Library()


@register.inclusion_tag("admin/triage/safety_changes_waiting.html", takes_context=True)
def safety_changes_waiting(context):
    """Safety changes waiting for a second clinician, for those who can see them."""
    user = context["request"].user
    if not user.has_perm("triage.view_safetychangeproposal"):
        return {"show": False}
    pending = SafetyChangeProposal.objects.pending().select_related("proposed_by")
    return {"show": True, "pending": list(pending.order_by("created")), "user": user}
