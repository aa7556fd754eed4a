import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

USERNAME = "clinician"


class Command(BaseCommand):
    help = (
        "Create the demo clinician account for local development, give it a new random "
        "password and print it. Refuses to run with debug off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo clinician account is for development only (DJANGO_DEBUG is off). "
                "Create real staff accounts with a strong password instead."
            )
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"first_name": "Demo", "last_name": "Clinician"}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="Clinician"))
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo clinician account (development only)\n"
                "  admin:     http://127.0.0.1:8000/admin/\n"
                f"  user name: {USERNAME}\n"
                f"  password:  {password}\n"
            )
        )
