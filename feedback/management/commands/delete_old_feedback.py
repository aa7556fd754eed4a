"""Delete “what was missing” notes once they are FEEDBACK_NOTES_KEEP_DAYS old.

Readers may have written something personal despite being asked not to, so their words
are kept no longer than clinicians need to act on them. Run it daily from a timer or cron.
The daily Yes/No counts stay: two numbers a day hold nothing about anyone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.models import MissingNote


class Command(BaseCommand):
    help = "Delete readers' “what was missing” notes older than FEEDBACK_NOTES_KEEP_DAYS."

    def handle(self, *args, **options):
        deleted, _ = MissingNote.objects.past_keeping().delete()
        days = settings.FEEDBACK_NOTES_KEEP_DAYS
        self.stdout.write(
            f"{deleted} note{'s' if deleted != 1 else ''} older than {days} days deleted."
        )
