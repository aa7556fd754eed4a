import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from governance.roles import CLINICIAN, EDITOR, MODERATOR

# user name, first name, last name, group, email (moderators are emailed when comments wait).
# Two clinicians: a safety change one proposes waits for the other to approve.
DEMO_ACCOUNTS = [
    ("clinician", "Demo", "Clinician", CLINICIAN, ""),
    ("clinician2", "Second", "Clinician", CLINICIAN, ""),
    ("editor", "Demo", "Editor", EDITOR, ""),
    ("moderator", "Demo", "Moderator", MODERATOR, "moderator@example.org"),
]


class Command(BaseCommand):
    help = (
        "Create the demo clinician, editor and moderator accounts for local development, give each "
        "a new random password and print them. Refuses to run with debug off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo accounts are for development only (DJANGO_DEBUG is off). "
                "Create real staff accounts with strong passwords instead."
            )
        lines = ["", "Demo accounts (development only): http://127.0.0.1:8000/admin/"]
        for username, first_name, last_name, group, email in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user, _ = get_user_model().objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "last_name": last_name, "email": email},
            )
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group))
            lines.append(f"  {group:<10} user name: {username:<10} password: {password}")
        self.stdout.write(self.style.SUCCESS("\n".join(lines) + "\n"))
