import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.roles import ROLES


class Command(BaseCommand):
    help = (
        "Create a staff account with one role (clinician, editor or moderator) and print a "
        "new random password, to be changed at first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    @transaction.atomic
    def handle(self, *args, username, role, email, first_name, last_name, **options):
        users = get_user_model().objects
        if users.filter(username=username).exists():
            raise CommandError(f"A user called “{username}” already exists.")
        password = secrets.token_urlsafe(16)
        user = users.create_user(
            username,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(
            f"Created {ROLES[role].lower()} “{username}”. Password (shown once): {password}"
        )
