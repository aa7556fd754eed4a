"""Delete readers' reports of comments once they are REPORTS_KEEP_DAYS old.

A report is kept only while it can still help hide a comment; a moderator's decision
deletes a comment's reports at once. Run it daily from a timer or cron.
"""

from django.core.management.base import BaseCommand

from comments.models import REPORTS_KEEP_DAYS, CommentReport


class Command(BaseCommand):
    help = "Delete readers' reports of comments older than REPORTS_KEEP_DAYS."

    def handle(self, *args, **options):
        deleted = CommentReport.delete_old()
        self.stdout.write(
            f"{deleted} report{'s' if deleted != 1 else ''} older than "
            f"{REPORTS_KEEP_DAYS} days deleted."
        )
