from django import template

from governance.roles import ROLES

register = template.Library()

# Administrators may do everything, whatever groups they are also in.
ADMINISTRATOR = "Administrator"


@register.simple_tag
def staff_roles(user):
    """The staff member's role(s) for the admin header, e.g. "Clinician" or "Editor,
    Moderator": what they may sign off or change here. Empty for someone in no role."""
    if user.is_superuser:
        return ADMINISTRATOR
    in_groups = set(user.groups.values_list("name", flat=True))
    roles = [role for role in ROLES.values() if role in in_groups]
    return ", ".join(roles)
