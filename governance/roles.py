"""The staff roles. Each is a group of permissions, created by data migrations; a person's
role is the group they are in."""

CLINICIAN = "Clinician"
EDITOR = "Editor"
MODERATOR = "Moderator"

# The role names operators type, e.g. `create_staff_user alex --role clinician`.
ROLES = {"clinician": CLINICIAN, "editor": EDITOR, "moderator": MODERATOR}


def staff_name(user):
    """How a staff member is named to others: their full name, else their user name."""
    return user.get_full_name() or user.get_username()
